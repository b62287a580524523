// Options of the default controllers, with their defaults in one place.

export interface ControllerOptions {
  /** How long a node may go without renewing its Lease (or Ready heartbeat) before it is Unknown. Default 40_000 ms. */
  nodeMonitorGracePeriodMs?: number;
  /** How often node heartbeats are checked. Default 5_000 ms, or a quarter of the grace period when that is shorter. */
  nodeMonitorPeriodMs?: number;
}

export type ResolvedControllerOptions = Required<ControllerOptions>;

export function withDefaults(options: ControllerOptions = {}): ResolvedControllerOptions {
  const nodeMonitorGracePeriodMs = options.nodeMonitorGracePeriodMs ?? 40_000;
  if (!(nodeMonitorGracePeriodMs > 0))
    throw new RangeError(
      `nodeMonitorGracePeriodMs must be a positive number of milliseconds, got ${nodeMonitorGracePeriodMs}`,
    );
  const nodeMonitorPeriodMs =
    options.nodeMonitorPeriodMs ?? Math.min(5_000, Math.max(10, Math.floor(nodeMonitorGracePeriodMs / 4)));
  if (!(nodeMonitorPeriodMs > 0))
    throw new RangeError(`nodeMonitorPeriodMs must be a positive number of milliseconds, got ${nodeMonitorPeriodMs}`);
  return { nodeMonitorGracePeriodMs, nodeMonitorPeriodMs };
}
