// The scale benchmark kept short: E2E_SCALE_NODES hollow edge nodes (default
// 1,000; edgecore's real hub client, store and pod manager on a simulated
// runtime, in two processes) join one cloudcore through the real join
// endpoint, run one DaemonSet pod each, and survive a reconnect storm
// (cloudcore killed -9 and restarted) with nothing resent and no pod
// restarted at the edge. docs/benchmarks/scale.md has the full figures.
import { describe, expect, it } from 'vitest';
import { runScale } from '@kedge/bench/scale/run';

const NODES = Number(process.env.E2E_SCALE_NODES ?? 1_000);

describe(`scale: ${NODES} hollow edge nodes`, () => {
  it('gets every node Ready and every pod Running, and rides out a reconnect storm', async () => {
    const result = await runScale({
      nodes: NODES,
      podsPerNode: 1,
      replicas: 1,
      processes: NODES > 200 ? 2 : 1,
      churnPerSecond: 0,
      storm: true,
      kubeconfig: process.env.E2E_KUBECONFIG || undefined,
      phaseTimeoutMs: 150_000,
      log: (message, fields) => {
        if (!/^(ramp|rollout|storm)$/.test(message)) console.error(JSON.stringify({ msg: message, ...fields }));
      },
    });
    console.log(JSON.stringify(result));
    expect(result.pods).toBe(NODES);
    expect(result.rolloutRunning).toBe(NODES);
    expect(result.rolloutLatencyMs.max).toBeGreaterThan(0);
    expect(result.storm).not.toBeNull();
    expect(result.storm?.podRestarts).toBe(0);
    expect(result.storm?.objectsResent).toBe(0);
  }, 600_000);
});
