import { createServer, type Server } from 'node:http';
import type { HostPort } from '../config';
import { renderMetrics, type Metric } from './exposition';

export interface HealthSources {
  /** undefined when healthy, else why not. */
  problem: () => string | undefined;
  /** Extra fields for /healthz (cloud state, outbox size). */
  details: () => Record<string, unknown>;
  metrics: () => Metric[];
}

/** Serves /healthz (200 or 503, JSON) and /metrics (Prometheus text). */
export async function startHealthServer(listen: HostPort, sources: HealthSources): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/healthz') {
      const problem = sources.problem();
      const body = JSON.stringify({
        status: problem ? 'unhealthy' : 'ok',
        ...(problem ? { problem } : {}),
        ...sources.details(),
      });
      res.writeHead(problem ? 503 : 200, { 'content-type': 'application/json' }).end(body);
    } else if (path === '/metrics') {
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(renderMetrics(sources.metrics()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
