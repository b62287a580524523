/**
 * metrics: the health listener. /healthz (the process serves), /readyz
 * (every required condition met: CA loaded, informers synced, listener up),
 * /metrics (Prometheus text of ctx.metrics.registry).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudModule } from '../context';
import { errorMessage } from '../errors';

export { createMetrics, type CloudMetrics } from './registry';

export const metricsModule: CloudModule = {
  name: 'metrics',
  async start(ctx, signal) {
    const { registry } = ctx.metrics;
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://health').pathname;
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (path === '/readyz') {
        const pending = ctx.readiness.pending();
        res.writeHead(pending.length === 0 ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(pending.length === 0 ? 'ok\n' : `waiting for: ${pending.join(', ')}\n`);
      } else if (path === '/metrics') {
        for (const sample of ctx.metrics.beforeScrape) sample();
        registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (err: unknown) => res.writeHead(500).end(`metrics failed: ${errorMessage(err)}\n`),
        );
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('try /healthz, /readyz or /metrics\n');
      }
    });
    const { host, port } = ctx.config.healthListen;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    ctx.log.info('health listening', { address: host, port: (server.address() as AddressInfo).port });
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  },
};
