// Options of startKubeLite, with defaults and units in the names.
import { KubeLiteConfigError } from './errors';

export type KubeLiteLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type KubeLiteLogger = (level: KubeLiteLogLevel, message: string, fields?: Record<string, unknown>) => void;

export interface KubeLiteOptions {
  /** Directory for the SQLite store, PKI, admin token and kubeconfig. Created if missing. */
  dataDir: string;
  /** HTTPS port; 0 picks a free one. Default 6443. */
  port?: number;
  /** Listen address, also named in the serving certificate. Default 127.0.0.1. */
  host?: string;
  /** Start the built-in controllers and scheduler. Default true. */
  controllers?: boolean;
  /** Structured log sink. Default: JSON lines on stderr, info and above. */
  log?: KubeLiteLogger;
  /** Passed to the node lifecycle controller. Default: its own. */
  nodeMonitorGracePeriodMs?: number;
  /** Watch events kept for resume; older resourceVersions get 410 Gone. Default 10,000. */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them. Default 30,000 ms. */
  watchBookmarkIntervalMs?: number;
  /** Longest a watch stays open when the client names no timeout. Default 1,800,000 ms. */
  watchTimeoutMs?: number;
  /** A watcher this far behind is cut off and re-watches. Default 64 MiB. */
  watchMaxBufferedBytes?: number;
  /** Largest request body. Default 3 MiB, as upstream. */
  maxBodyBytes?: number;
  /** Core Events last seen longer ago than this are removed. Default 3,600,000 ms (1 h), as upstream. */
  eventTtlMs?: number;
}

export type ResolvedOptions = Required<Omit<KubeLiteOptions, 'nodeMonitorGracePeriodMs'>> &
  Pick<KubeLiteOptions, 'nodeMonitorGracePeriodMs'>;

const stderrLogger: KubeLiteLogger = (level, message, fields) => {
  if (level === 'debug') return;
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, component: 'kube-lite', message, ...fields })}\n`,
  );
};

export function withDefaults(options: KubeLiteOptions): ResolvedOptions {
  if (!options || typeof options.dataDir !== 'string' || options.dataDir.trim() === '') {
    throw new KubeLiteConfigError(
      'dataDir is required: pass the directory kube-lite keeps its store and certificates in, e.g. { dataDir: ".kedge/kube-lite" }',
      'dataDir',
    );
  }
  const port = options.port ?? 6443;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new KubeLiteConfigError(
      `port must be an integer from 0 to 65535 (0 picks a free port), got ${String(port)}`,
      'port',
    );
  }
  const positive = (field: keyof KubeLiteOptions, value: number): number => {
    if (!Number.isFinite(value) || value <= 0)
      throw new KubeLiteConfigError(`${field} must be a positive number, got ${String(value)}`, field);
    return value;
  };
  const resolved: ResolvedOptions = {
    dataDir: options.dataDir,
    port,
    host: options.host ?? '127.0.0.1',
    controllers: options.controllers ?? true,
    log: options.log ?? stderrLogger,
    historyLimit: positive('historyLimit', options.historyLimit ?? 10_000),
    watchBookmarkIntervalMs: positive('watchBookmarkIntervalMs', options.watchBookmarkIntervalMs ?? 30_000),
    watchTimeoutMs: positive('watchTimeoutMs', options.watchTimeoutMs ?? 1_800_000),
    watchMaxBufferedBytes: positive('watchMaxBufferedBytes', options.watchMaxBufferedBytes ?? 64 * 1024 * 1024),
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes ?? 3 * 1024 * 1024),
    eventTtlMs: positive('eventTtlMs', options.eventTtlMs ?? 3_600_000),
  };
  if (options.nodeMonitorGracePeriodMs !== undefined)
    resolved.nodeMonitorGracePeriodMs = positive('nodeMonitorGracePeriodMs', options.nodeMonitorGracePeriodMs);
  return resolved;
}
