/**
 * @kedge/mapper-sdk: write a device mapper for Kedge (and KubeEdge's MQTT twin topics).
 *
 * ```ts
 * import { runMapper, type DeviceDriver } from '@kedge/mapper-sdk';
 *
 * const drivers = { myproto: (device) => new MyDriver(device) };
 * const stop = new AbortController();
 * process.on('SIGTERM', () => stop.abort());
 * await runMapper({ brokerUrl: 'mqtt://127.0.0.1:1883', nodeName: 'gantry-17', drivers, signal: stop.signal });
 * ```
 *
 * The runner asks edgecore for the node's devices, polls each property at its
 * collectCycle, reports values on change and at reportCycle, writes desired
 * values, reports device state and reconnects with backoff. Test helpers are
 * in `@kedge/mapper-sdk/testing`.
 */
export { runMapper } from './runner';
export type { RunMapperOptions } from './options';
export {
  buildProperty,
  parseDesired,
  formatReported,
  type DeviceDriver,
  type DriverFactory,
  type MapperDevice,
  type MapperModel,
  type MapperProperty,
  type PropertyValue,
} from './driver';
export { jsonLogger, type MapperLogger } from './log';
export { topics } from './topics';
export type {
  DeviceSpec,
  DeviceProperty,
  DeviceModelSpec,
  ModelProperty,
  MembershipDevice,
  MsgTwin,
  TwinValue,
} from './types';
export { MapperError, MapperOptionsError, DriverTimeoutError, DesiredValueError, DeviceConfigError } from './errors';
