import { afterEach, describe, expect, it } from 'vitest';
import { NODES, PODS } from '../runtime/resources';
import { withDefaults } from '../options';
import type { TestCluster } from '../testing/cluster';
import { addNode, renewLease, startTestCluster, waitFor } from '../testing/cluster';
import { findCondition } from '../util/pods';
import { nodeTaints } from '../util/node-match';
import { nodeLifecycleController } from './controller';

let cluster: TestCluster;
let renewer: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(renewer);
  await cluster?.stop();
});

const node = (name: string) => cluster.api.get(NODES, undefined, name)!;
const unreachable = (name: string): boolean =>
  nodeTaints(node(name)).some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule');

describe('node lifecycle (real kube-lite)', () => {
  it('marks a node with a lapsed lease Unknown and unreachable:NoSchedule, keeps its pods, and untaints on renewal', async () => {
    cluster = await startTestCluster([
      nodeLifecycleController(withDefaults({ nodeMonitorGracePeriodMs: 300, nodeMonitorPeriodMs: 20 })),
    ]);
    addNode(cluster.api, 'alive');
    addNode(cluster.api, 'silent');
    renewLease(cluster.api, 'alive');
    renewLease(cluster.api, 'silent');
    cluster.api.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { nodeName: 'silent', containers: [{ name: 'c', image: 'x' }] },
    });
    renewer = setInterval(() => renewLease(cluster.api, 'alive'), 50);
    await waitFor(
      'silent marked',
      () => unreachable('silent') && findCondition(node('silent'), 'Ready')?.status === 'Unknown',
    );
    expect(findCondition(node('silent'), 'Ready')).toMatchObject({
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect(nodeTaints(node('silent')).some((t) => t.effect === 'NoExecute')).toBe(false);
    expect(unreachable('alive')).toBe(false);
    expect(cluster.api.get(PODS, 'default', 'p')?.metadata.deletionTimestamp).toBeUndefined();
    renewLease(cluster.api, 'silent');
    await waitFor('untainted', () => !unreachable('silent'));
  });

  it('falls back to the Ready heartbeat when a node has no lease', async () => {
    cluster = await startTestCluster([nodeLifecycleController(withDefaults({ nodeMonitorGracePeriodMs: 200 }))]);
    addNode(cluster.api, 'legacy');
    await waitFor('marked', () => unreachable('legacy'), 3_000);
    const n = node('legacy');
    const conditions = (n.status as { conditions: Array<Record<string, string>> }).conditions.map((c) =>
      c.type === 'Ready'
        ? { ...c, status: 'True', reason: 'KubeletReady', lastHeartbeatTime: new Date().toISOString() }
        : c,
    );
    cluster.api.updateStatus(NODES, { ...n, status: { ...(n.status as object), conditions } });
    await waitFor('recovered', () => !unreachable('legacy'));
  });

  it('rejects a bad grace period with a clear error', () => {
    expect(() => withDefaults({ nodeMonitorGracePeriodMs: 0 })).toThrow(
      /nodeMonitorGracePeriodMs must be a positive number of milliseconds/,
    );
    expect(withDefaults({ nodeMonitorGracePeriodMs: 400 }).nodeMonitorPeriodMs).toBe(100);
    expect(withDefaults().nodeMonitorGracePeriodMs).toBe(40_000);
  });
});
