import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { renderMetrics, startHealthServer } from './index';

describe('renderMetrics', () => {
  it('writes the Prometheus text format with escaped labels', () => {
    const text = renderMetrics([
      {
        name: 'edgecore_objects',
        help: 'Objects held.',
        type: 'gauge',
        samples: [{ labels: { kind: 'Con"fig\\Map' }, value: 2 }],
      },
      { name: 'edgecore_connects_total', help: 'Connects.', type: 'counter', samples: [{ value: 3 }] },
    ]);
    expect(text).toBe(
      '# HELP edgecore_objects Objects held.\n# TYPE edgecore_objects gauge\nedgecore_objects{kind="Con\\"fig\\\\Map"} 2\n' +
        '# HELP edgecore_connects_total Connects.\n# TYPE edgecore_connects_total counter\nedgecore_connects_total 3\n',
    );
  });
});

describe('health server', () => {
  it('serves /healthz (200 or 503) and /metrics', async () => {
    let problem: string | undefined;
    const server = await startHealthServer(
      { host: '127.0.0.1', port: 0 },
      {
        problem: () => problem,
        details: () => ({ cloud: 'offline' }),
        metrics: () => [{ name: 'up', help: 'Up.', type: 'gauge', samples: [{ value: 1 }] }],
      },
    );
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/healthz`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ status: 'ok', cloud: 'offline' });
      problem = 'store not open';
      const bad = await fetch(`${base}/healthz`);
      expect(bad.status).toBe(503);
      expect(((await bad.json()) as { problem: string }).problem).toBe('store not open');
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('up 1\n');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
