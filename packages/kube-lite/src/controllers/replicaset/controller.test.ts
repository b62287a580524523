import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api';
import { PODS, REPLICA_SETS } from '../runtime/resources';
import type { TestCluster } from '../testing/cluster';
import { markPodReady, podsOf, startTestCluster, waitFor } from '../testing/cluster';
import { replicaSetController } from './controller';

const replicaSet = (replicas: number, minReadySeconds = 0): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    minReadySeconds,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'kedge.local/busybox:1' }] },
    },
  },
});

let cluster: TestCluster;
afterEach(() => cluster?.stop());

const statusOf = (c: TestCluster): Record<string, number> =>
  (c.api.get(REPLICA_SETS, 'default', 'web')?.status ?? {}) as Record<string, number>;

describe('ReplicaSet controller (real kube-lite)', () => {
  it('creates owned pods with generated names and reports readiness', async () => {
    cluster = await startTestCluster([replicaSetController()]);
    const rs = cluster.api.create(REPLICA_SETS, replicaSet(3));
    const pods = await waitFor(
      '3 pods',
      () => podsOf(cluster.api, 'default').length === 3 && podsOf(cluster.api, 'default'),
    );
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata.labels).toEqual({ app: 'web' });
      expect(pod.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    await waitFor(
      'status replicas 3',
      () => statusOf(cluster).replicas === 3 && statusOf(cluster).fullyLabeledReplicas === 3,
    );
    markPodReady(cluster.api, pods[0]!);
    await waitFor(
      'one ready',
      () => statusOf(cluster).readyReplicas === 1 && statusOf(cluster).availableReplicas === 1,
    );
    expect(statusOf(cluster).observedGeneration).toBe(1);
  });

  it('replaces a deleted pod and scales down ready pods last', async () => {
    cluster = await startTestCluster([replicaSetController()]);
    cluster.api.create(REPLICA_SETS, replicaSet(3));
    const pods = await waitFor(
      '3 pods',
      () => podsOf(cluster.api, 'default').length === 3 && podsOf(cluster.api, 'default'),
    );
    const ready = markPodReady(cluster.api, pods[1]!);
    cluster.api.delete(PODS, 'default', pods[0]!.metadata.name);
    await waitFor('replacement', () => {
      const now = podsOf(cluster.api, 'default');
      return now.length === 3 && !now.some((p) => p.metadata.name === pods[0]!.metadata.name);
    });
    const current = cluster.api.get(REPLICA_SETS, 'default', 'web')!;
    cluster.api.update(REPLICA_SETS, { ...current, spec: { ...(current.spec as object), replicas: 1 } });
    const left = await waitFor(
      '1 pod',
      () => podsOf(cluster.api, 'default').length === 1 && podsOf(cluster.api, 'default'),
    );
    expect(left[0]!.metadata.name).toBe(ready.metadata.name);
    await waitFor(
      'status follows',
      () => statusOf(cluster).replicas === 1 && statusOf(cluster).observedGeneration === 2,
    );
  });

  it('counts a pod available only after minReadySeconds', async () => {
    cluster = await startTestCluster([replicaSetController()]);
    // Condition times have whole seconds, as in Kubernetes: a pod marked ready at x.9 s counts
    // from x.0 s. Two seconds leave at least one between the ready count and the available one.
    cluster.api.create(REPLICA_SETS, replicaSet(1, 2));
    const [pod] = await waitFor(
      'pod',
      () => podsOf(cluster.api, 'default').length === 1 && podsOf(cluster.api, 'default'),
    );
    markPodReady(cluster.api, pod!);
    await waitFor('ready', () => statusOf(cluster).readyReplicas === 1);
    expect(statusOf(cluster).availableReplicas ?? 0).toBe(0);
    await waitFor('available', () => statusOf(cluster).availableReplicas === 1, 4_000);
  });

  it('adopts a matching orphan pod instead of creating one', async () => {
    cluster = await startTestCluster([replicaSetController()]);
    const orphan = cluster.api.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    cluster.api.create(REPLICA_SETS, replicaSet(2));
    await waitFor('2 pods', () => podsOf(cluster.api, 'default').length === 2 && statusOf(cluster).replicas === 2);
    const adopted = cluster.api.get(PODS, 'default', 'stray')!;
    expect(adopted.metadata.uid).toBe(orphan.metadata.uid);
    expect(adopted.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: 'web', controller: true });
  });
});
