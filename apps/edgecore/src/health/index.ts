/**
 * /healthz and /metrics of edgecore.
 *
 * @example
 * const server = await startHealthServer({ host: '127.0.0.1', port: 10350 }, { problem: () => undefined, details: () => ({}), metrics: () => [] });
 */
export { startHealthServer, type HealthSources } from './server';
export { renderMetrics, type Metric } from './exposition';
