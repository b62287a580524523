/**
 * Every cloudcore setting in one table: YAML key (camelCase of the flag),
 * type, default and unit. config/load.ts checks values against it and
 * docs/cloudcore.md lists it.
 */
import { hostname } from 'node:os';
import { LOG_LEVELS, type LogLevel } from '../log';

export interface HostPort {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
}

export interface CloudcoreConfig {
  /** Path of a kubeconfig; '' = in-cluster config, then $KUBECONFIG. */
  readonly kubeconfig: string;
  /** Edge channel (HTTPS + WebSocket) address. Default 0.0.0.0:10000. */
  readonly listen: HostPort;
  /** /healthz, /readyz, /metrics address. Default 127.0.0.1:10351. */
  readonly healthListen: HostPort;
  /** IPs and DNS names put in the server certificate. Default 127.0.0.1, localhost. */
  readonly advertiseAddress: readonly string[];
  /** Namespace of the CA Secret and bootstrap tokens. Default kedge-system. */
  readonly namespace: string;
  /** Name of this replica in welcome frames and logs. Default the host name. */
  readonly serverId: string;
  /** Validity of node certificates issued at join and renew, hours. Default 8760 (1 year). */
  readonly certValidityHours: number;
  /** WebSocket handshakes processed at once; more wait in a queue. Default 100. */
  readonly maxConcurrentHandshakes: number;
  /** Handshakes that may wait for a slot; beyond it they are refused with 503. Default 10000. */
  readonly handshakeQueueSize: number;
  /** Longest wait for a slot; an edge that waited this long is told (503, Retry-After) when to come back. Default 300000. */
  readonly handshakeQueueWaitMs: number;
  /** Time for an edge to send hello after the upgrade, ms. Default 30000. */
  readonly handshakeTimeoutMs: number;
  /** Object frames sent to one node and not yet acked. Default 256. */
  readonly maxInflightObjects: number;
  /** Bytes buffered on one node's socket before its queue pauses. Default 1048576. */
  readonly sendHighWaterBytes: number;
  /** WebSocket ping interval, ms; a node missing two pings is dropped. Default 30000. */
  readonly pingIntervalMs: number;
  /** Lease kube-node-lease/<node> duration, seconds. Default 40. */
  readonly leaseDurationSeconds: number;
  /** Lease renewal interval while a node is connected, ms. Default 10000. */
  readonly leaseRenewIntervalMs: number;
  /** Longest wait between retries of a failed API write for an edge status, ms. Default 30000. */
  readonly statusRetryMaxMs: number;
  /** debug, info, warn or error. Default info. */
  readonly logLevel: LogLevel;
}

export type FieldType = 'string' | 'hostport' | 'list' | 'int' | 'enum';

export interface FieldSpec {
  readonly type: FieldType;
  readonly flag: string;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
}

export type ConfigKey = keyof CloudcoreConfig;

export const FIELDS: { readonly [K in ConfigKey]: FieldSpec } = {
  kubeconfig: {
    type: 'string',
    flag: '--kubeconfig <path>',
    description: 'kubeconfig file ("" = in-cluster, then $KUBECONFIG)',
  },
  listen: { type: 'hostport', flag: '--listen <host:port>', description: 'edge channel address (HTTPS + WebSocket)' },
  healthListen: {
    type: 'hostport',
    flag: '--health-listen <host:port>',
    description: '/healthz, /readyz, /metrics address',
  },
  advertiseAddress: {
    type: 'list',
    flag: '--advertise-address <a,b>',
    description: 'IPs and DNS names in the server certificate',
  },
  namespace: {
    type: 'string',
    flag: '--namespace <ns>',
    description: 'namespace of Secret kedge-ca and bootstrap tokens',
  },
  serverId: { type: 'string', flag: '--server-id <id>', description: 'replica name in welcome frames and logs' },
  certValidityHours: {
    type: 'int',
    flag: '--cert-validity-hours <n>',
    description: 'node certificate validity (hours)',
    min: 1,
    max: 87600,
  },
  maxConcurrentHandshakes: {
    type: 'int',
    flag: '--max-concurrent-handshakes <n>',
    description: 'handshakes processed at once',
    min: 1,
    max: 100000,
  },
  handshakeQueueSize: {
    type: 'int',
    flag: '--handshake-queue-size <n>',
    description: 'handshakes waiting for a slot',
    min: 0,
    max: 1000000,
  },
  handshakeQueueWaitMs: {
    type: 'int',
    flag: '--handshake-queue-wait-ms <ms>',
    description: 'longest wait for a slot (ms); then 503 with Retry-After',
    min: 100,
    max: 600000,
  },
  handshakeTimeoutMs: {
    type: 'int',
    flag: '--handshake-timeout-ms <ms>',
    description: 'time to hello after the upgrade (ms)',
    min: 100,
    max: 600000,
  },
  maxInflightObjects: {
    type: 'int',
    flag: '--max-inflight-objects <n>',
    description: 'unacked object frames per node',
    min: 1,
    max: 65536,
  },
  sendHighWaterBytes: {
    type: 'int',
    flag: '--send-high-water-bytes <n>',
    description: 'socket buffer per node before pausing (bytes)',
    min: 1024,
    max: 1 << 30,
  },
  pingIntervalMs: {
    type: 'int',
    flag: '--ping-interval-ms <ms>',
    description: 'WebSocket ping interval (ms)',
    min: 100,
    max: 600000,
  },
  leaseDurationSeconds: {
    type: 'int',
    flag: '--lease-duration-seconds <s>',
    description: 'node Lease duration (s)',
    min: 1,
    max: 3600,
  },
  leaseRenewIntervalMs: {
    type: 'int',
    flag: '--lease-renew-interval-ms <ms>',
    description: 'node Lease renewal interval (ms)',
    min: 100,
    max: 3600000,
  },
  statusRetryMaxMs: {
    type: 'int',
    flag: '--status-retry-max-ms <ms>',
    description: 'longest backoff of a failed status write (ms)',
    min: 10,
    max: 3600000,
  },
  logLevel: { type: 'enum', flag: '--log-level <level>', description: 'lowest log level written', values: LOG_LEVELS },
};

export function defaultConfig(): CloudcoreConfig {
  return {
    kubeconfig: '',
    listen: { host: '0.0.0.0', port: 10000 },
    healthListen: { host: '127.0.0.1', port: 10351 },
    advertiseAddress: ['127.0.0.1', 'localhost'],
    namespace: 'kedge-system',
    serverId: hostname(),
    certValidityHours: 8760,
    maxConcurrentHandshakes: 100,
    handshakeQueueSize: 10_000,
    handshakeQueueWaitMs: 300_000,
    handshakeTimeoutMs: 30_000,
    maxInflightObjects: 256,
    sendHighWaterBytes: 1 << 20,
    pingIntervalMs: 60_000,
    leaseDurationSeconds: 40,
    leaseRenewIntervalMs: 10_000,
    statusRetryMaxMs: 30_000,
    logLevel: 'info',
  };
}
