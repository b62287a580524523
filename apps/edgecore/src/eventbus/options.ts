import { EventBusOptionsError } from './errors';

/** How edgecore reaches its MQTT bus. Every field is optional; `withDefaults()` fills them. */
export interface EventBusOptions {
  /** Embedded broker: address to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** Embedded broker: TCP port. Default 1883; 0 picks a free port (tests). */
  port?: number;
  /** Embedded broker: PEM certificate and key; when both are set the broker speaks MQTTS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Embedded broker: when set, clients must present these credentials. */
  username?: string;
  password?: string;
  /** Embedded broker: larger publishes are refused and their client disconnected. Default 1 MiB. */
  maxPayloadBytes?: number;
  /** Use this broker (mqtt://, mqtts://, ws://) instead of embedding one. */
  external?: string;
  /** External broker: how long to wait for the first connection. Default 10 000 ms. */
  connectTimeoutMs?: number;
}

export interface EmbeddedBusOptions {
  readonly mode: 'embedded';
  readonly host: string;
  readonly port: number;
  readonly tls: { cert: string | Buffer; key: string | Buffer } | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly maxPayloadBytes: number;
}

export interface ExternalBusOptions {
  readonly mode: 'external';
  readonly url: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly connectTimeoutMs: number;
}

export type ResolvedEventBusOptions = EmbeddedBusOptions | ExternalBusOptions;

const EXTERNAL_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']);

export function withDefaults(options: EventBusOptions = {}): ResolvedEventBusOptions {
  if ((options.username === undefined) !== (options.password === undefined)) {
    throw new EventBusOptionsError('eventbus: set both username and password, or neither', {});
  }
  if (options.external !== undefined) {
    let url: URL;
    try {
      url = new URL(options.external);
    } catch (cause) {
      throw new EventBusOptionsError(
        `eventbus.external: "${options.external}" is not a URL; use e.g. mqtt://10.0.0.5:1883`,
        { external: options.external },
        { cause },
      );
    }
    if (!EXTERNAL_PROTOCOLS.has(url.protocol)) {
      throw new EventBusOptionsError(
        `eventbus.external: protocol "${url.protocol}" is not supported; use mqtt://, mqtts://, ws:// or wss://`,
        { external: options.external },
      );
    }
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    if (!(connectTimeoutMs > 0)) {
      throw new EventBusOptionsError(
        `eventbus.connectTimeoutMs: ${connectTimeoutMs} must be a positive number of milliseconds`,
        { connectTimeoutMs },
      );
    }
    return {
      mode: 'external',
      url: options.external,
      username: options.username,
      password: options.password,
      connectTimeoutMs,
    };
  }
  const port = options.port ?? 1883;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EventBusOptionsError(`eventbus.port: ${port} is not a TCP port; use 0..65535 (0 picks a free one)`, {
      port,
    });
  }
  const maxPayloadBytes = options.maxPayloadBytes ?? 1024 * 1024;
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes <= 0) {
    throw new EventBusOptionsError(
      `eventbus.maxPayloadBytes: ${maxPayloadBytes} must be a positive whole number of bytes`,
      { maxPayloadBytes },
    );
  }
  if (options.tls && (!options.tls.cert || !options.tls.key)) {
    throw new EventBusOptionsError('eventbus.tls: both cert and key (PEM) are required', {});
  }
  return {
    mode: 'embedded',
    host: options.host ?? '127.0.0.1',
    port,
    tls: options.tls,
    username: options.username,
    password: options.password,
    maxPayloadBytes,
  };
}
