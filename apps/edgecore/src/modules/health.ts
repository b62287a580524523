import type { AddressInfo } from 'node:net';
import { startHealthServer, type Metric } from '../health';
import { aborted, type AppContext, type Module } from './context';

function collect(ctx: AppContext): Metric[] {
  const store = ctx.services.peek('metastore');
  const hub = ctx.services.peek('hub');
  const memory = process.memoryUsage();
  const metrics: Metric[] = [
    {
      name: 'process_resident_memory_bytes',
      help: 'Resident set size in bytes.',
      type: 'gauge',
      samples: [{ value: memory.rss }],
    },
    {
      name: 'nodejs_heap_used_bytes',
      help: 'V8 heap in use, bytes.',
      type: 'gauge',
      samples: [{ value: memory.heapUsed }],
    },
  ];
  if (store) {
    metrics.push(
      {
        name: 'edgecore_outbox_pending',
        help: 'Statuses waiting for the cloud ack.',
        type: 'gauge',
        samples: [{ value: store.outbox.size() }],
      },
      {
        name: 'edgecore_objects',
        help: 'Objects held in the edge store, by kind.',
        type: 'gauge',
        samples: Object.entries(store.objects.counts()).map(([kind, value]) => ({ labels: { kind }, value })),
      },
    );
  }
  if (hub) {
    metrics.push({
      name: 'edgecore_cloud_connected',
      help: '1 while the cloud channel is up.',
      type: 'gauge',
      samples: [{ value: hub.state === 'connected' || hub.state === 'synced' ? 1 : 0 }],
    });
    const counters: [keyof typeof hub.stats, string][] = [
      ['framesIn', 'Frames received from the cloud.'],
      ['framesOut', 'Frames sent to the cloud.'],
      ['bytesIn', 'Frame bytes received (before TLS, after decompression).'],
      ['bytesOut', 'Frame bytes sent.'],
      ['malformedFrames', 'Bad frames from the cloud; each closed its connection.'],
      ['objectsApplied', 'Object events stored.'],
      ['objectsIgnored', 'Object events older than what the store held.'],
      ['objectsDeleted', 'Objects removed from the store.'],
      ['statusSent', 'Status frames sent.'],
      ['statusAcked', 'Status acks received.'],
      ['connects', 'Connections opened to the cloud.'],
      ['disconnects', 'Connections lost or closed.'],
      ['handlerErrors', 'Object handler calls that failed.'],
    ];
    for (const [key, help] of counters) {
      const name = `edgecore_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`;
      metrics.push({ name, help, type: 'counter', samples: [{ value: hub.stats[key] }] });
    }
  }
  return metrics;
}

/** /healthz and /metrics on health.listen. Healthy means the store is open: being offline is normal at the edge. */
export const healthModule: Module = {
  name: 'health',
  async start(ctx, signal) {
    const server = await startHealthServer(ctx.config.health.listen, {
      problem: () => (ctx.services.peek('metastore')?.db.open ? undefined : 'store not open'),
      details: () => ({
        node: ctx.config.nodeName,
        cloud: ctx.services.peek('hub')?.state ?? 'starting',
        outbox: ctx.services.peek('metastore')?.outbox.size(),
      }),
      metrics: () => collect(ctx),
    });
    const address = server.address() as AddressInfo;
    ctx.log.info('health listening', { module: 'health', address: `${address.address}:${address.port}` });
    await aborted(signal);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  },
};
