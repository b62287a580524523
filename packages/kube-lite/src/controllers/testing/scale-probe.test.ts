import { describe, expect, it } from 'vitest';
import { scaleProbe } from './scale-probe';

describe('scale probe (all default controllers, real kube-lite)', () => {
  it('binds every pod of several Deployments and spreads them evenly', async () => {
    const result = await scaleProbe({ nodes: 20, pods: 200, deployments: 4, timeoutMs: 20_000 });
    expect(result.boundPods).toBe(200);
    expect(result.minPodsPerNode).toBeGreaterThanOrEqual(9);
    expect(result.maxPodsPerNode).toBeLessThanOrEqual(11);
  });
});
