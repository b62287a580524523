import type { DriverFactory } from './driver';
import { MapperOptionsError } from './errors';
import { jsonLogger, type MapperLogger } from './log';

export interface RunMapperOptions {
  /** edgecore's MQTT bus, e.g. `mqtt://127.0.0.1:1883`. */
  brokerUrl: string;
  /** The edge node this mapper serves (`$hw/events/node/{nodeName}/...`). */
  nodeName: string;
  /** Drivers by protocol name (`spec.protocol.protocolName`); devices of other protocols are left to other mappers. */
  drivers: Record<string, DriverFactory>;
  /** Stops the mapper: devices are disconnected and reported `unknown`. */
  signal: AbortSignal;
  log?: MapperLogger;
  username?: string;
  password?: string;
  /** Read interval when a property sets no collectCycle. Default 1000 ms. */
  defaultCollectCycleMs?: number;
  /** Report interval of an unchanged value when a property sets no reportCycle. Default 10 000 ms. */
  defaultReportCycleMs?: number;
  /** Longest a driver call may take before it counts as a failure. Default 3000 ms. */
  operationTimeoutMs?: number;
  /** Consecutive failed reads before a device is marked offline and reconnected. Default 2. */
  failuresBeforeOffline?: number;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. Default 500 ms. */
  initialBackoffMs?: number;
  /** Default 30 000 ms. */
  maxBackoffMs?: number;
  /** How long to wait for a membership answer before asking again. Default 3000 ms. */
  membershipRetryMs?: number;
}

export type ResolvedMapperOptions = Required<Omit<RunMapperOptions, 'username' | 'password'>> &
  Pick<RunMapperOptions, 'username' | 'password'>;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new MapperOptionsError(`${name} must be a positive number, got ${value}`, { [name]: value });
  return value;
}

export function withDefaults(options: RunMapperOptions): ResolvedMapperOptions {
  if (!options || typeof options !== 'object')
    throw new MapperOptionsError('runMapper needs an options object: { brokerUrl, nodeName, drivers, signal }');
  let url: URL;
  try {
    url = new URL(options.brokerUrl);
  } catch (cause) {
    throw new MapperOptionsError(
      `brokerUrl "${options.brokerUrl}" is not a URL; use e.g. mqtt://127.0.0.1:1883`,
      { brokerUrl: options.brokerUrl },
      { cause },
    );
  }
  if (!['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new MapperOptionsError(`brokerUrl "${options.brokerUrl}" must use mqtt://, mqtts://, ws:// or wss://`, {
      brokerUrl: options.brokerUrl,
    });
  }
  if (typeof options.nodeName !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(options.nodeName)) {
    throw new MapperOptionsError(
      `nodeName "${options.nodeName}" must be a Kubernetes node name (lower-case letters, digits, - and .)`,
      { nodeName: options.nodeName },
    );
  }
  if (!options.drivers || Object.keys(options.drivers).length === 0) {
    throw new MapperOptionsError(
      'drivers is empty: register at least one protocol, e.g. { modbus: (device) => new ModbusDriver() }',
    );
  }
  if (!(options.signal instanceof AbortSignal))
    throw new MapperOptionsError('signal is required: pass an AbortSignal that stops the mapper');
  const resolved: ResolvedMapperOptions = {
    brokerUrl: options.brokerUrl,
    nodeName: options.nodeName,
    drivers: options.drivers,
    signal: options.signal,
    log: options.log ?? jsonLogger(),
    username: options.username,
    password: options.password,
    defaultCollectCycleMs: positive('defaultCollectCycleMs', options.defaultCollectCycleMs ?? 1_000),
    defaultReportCycleMs: positive('defaultReportCycleMs', options.defaultReportCycleMs ?? 10_000),
    operationTimeoutMs: positive('operationTimeoutMs', options.operationTimeoutMs ?? 3_000),
    failuresBeforeOffline: positive('failuresBeforeOffline', options.failuresBeforeOffline ?? 2),
    initialBackoffMs: positive('initialBackoffMs', options.initialBackoffMs ?? 500),
    maxBackoffMs: positive('maxBackoffMs', options.maxBackoffMs ?? 30_000),
    membershipRetryMs: positive('membershipRetryMs', options.membershipRetryMs ?? 3_000),
  };
  if (resolved.maxBackoffMs < resolved.initialBackoffMs) {
    throw new MapperOptionsError(
      `maxBackoffMs (${resolved.maxBackoffMs}) must be at least initialBackoffMs (${resolved.initialBackoffMs})`,
    );
  }
  return resolved;
}
