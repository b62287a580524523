import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api';
import { DEPLOYMENTS, REPLICA_SETS } from '../runtime/resources';
import { replicaSetController } from '../replicaset/controller';
import type { TestCluster } from '../testing/cluster';
import { podsOf, startFakeKubelet, startTestCluster, waitFor } from '../testing/cluster';
import { field } from '../util/objects';
import { deploymentController } from './controller';
import { REVISION } from './replicasets';

const deployment = (
  image: string,
  strategy: Record<string, unknown> = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 3,
    strategy,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

let cluster: TestCluster;
let stopKubelet: () => void = () => {};
afterEach(async () => {
  stopKubelet();
  await cluster?.stop();
});

const get = (): KubeObject => cluster.api.get(DEPLOYMENTS, 'default', 'web')!;
const replicaSets = (): KubeObject[] => cluster.api.list(REPLICA_SETS, { namespace: 'default' }).items;

/** What `kubectl rollout status` checks. */
function rolledOut(d: KubeObject): boolean {
  const s = (d.status ?? {}) as Record<string, number>;
  const want = field<number>(d, 'spec', 'replicas');
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    s.updatedReplicas === want &&
    s.replicas === s.updatedReplicas &&
    s.availableReplicas === s.updatedReplicas
  );
}

function setImage(image: string): void {
  const d = get();
  const spec = d.spec as { template: { spec: { containers: Array<{ image: string }> } } };
  spec.template.spec.containers[0]!.image = image;
  cluster.api.update(DEPLOYMENTS, d);
}

describe('Deployment controller (real kube-lite)', () => {
  it('rolls out, rolls a new template within maxSurge, and rolls back reusing the old ReplicaSet', async () => {
    cluster = await startTestCluster([deploymentController(), replicaSetController()]);
    stopKubelet = startFakeKubelet(cluster.api);
    const created = cluster.api.create(DEPLOYMENTS, deployment('app:1'));
    await waitFor('first rollout', () => rolledOut(get()));
    const [first] = replicaSets();
    expect(first!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const hash = first!.metadata.labels?.['pod-template-hash'];
    expect(first!.metadata.name).toBe(`web-${hash}`);
    expect(field(first!, 'spec', 'selector', 'matchLabels')).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(first!.metadata.annotations?.[REVISION]).toBe('1');
    expect(first!.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      uid: created.metadata.uid,
      controller: true,
    });
    const progressing = (get().status as { conditions: Array<{ type: string; reason: string }> }).conditions.find(
      (c) => c.type === 'Progressing',
    );
    expect(progressing?.reason).toBe('NewReplicaSetAvailable');

    let maxPods = 0;
    const stopCount = cluster.api.watch({ group: '', version: 'v1', resource: 'pods' }, () => {
      maxPods = Math.max(maxPods, podsOf(cluster.api, 'default').filter((p) => !p.metadata.deletionTimestamp).length);
    });
    setImage('app:2');
    await waitFor(
      'second rollout',
      () => rolledOut(get()) && replicaSets().length === 2 && podsOf(cluster.api, 'default').length === 3,
    );
    stopCount();
    expect(maxPods).toBeLessThanOrEqual(4);
    const second = replicaSets().find((rs) => rs.metadata.name !== first!.metadata.name)!;
    expect(second.metadata.annotations?.[REVISION]).toBe('2');
    expect(get().metadata.annotations?.[REVISION]).toBe('2');
    expect(
      field(
        replicaSets().find((rs) => rs.metadata.name === first!.metadata.name)!,
        'spec',
        'replicas',
      ),
    ).toBe(0);

    setImage('app:1');
    await waitFor(
      'rollback',
      () =>
        rolledOut(get()) &&
        field(cluster.api.get(REPLICA_SETS, 'default', first!.metadata.name)!, 'spec', 'replicas') === 3,
    );
    expect(replicaSets()).toHaveLength(2);
    expect(cluster.api.get(REPLICA_SETS, 'default', first!.metadata.name)!.metadata.annotations?.[REVISION]).toBe('3');
  });

  it('scales, keeps revisionHistoryLimit, and recreates without overlap', async () => {
    cluster = await startTestCluster([deploymentController(), replicaSetController()]);
    stopKubelet = startFakeKubelet(cluster.api);
    const d = deployment('app:1', { type: 'Recreate' });
    (d.spec as Record<string, unknown>).revisionHistoryLimit = 1;
    cluster.api.create(DEPLOYMENTS, d);
    await waitFor('rollout', () => rolledOut(get()));
    const scaled = get();
    (scaled.spec as Record<string, unknown>).replicas = 5;
    cluster.api.update(DEPLOYMENTS, scaled);
    await waitFor('scaled to 5', () => rolledOut(get()) && podsOf(cluster.api, 'default').length === 5);

    let overlap = false;
    const stop = cluster.api.watch({ group: '', version: 'v1', resource: 'pods' }, () => {
      const hashes = new Set(podsOf(cluster.api, 'default').map((p) => p.metadata.labels?.['pod-template-hash']));
      if (hashes.size > 1) overlap = true;
    });
    setImage('app:2');
    await waitFor('recreated', () => rolledOut(get()) && podsOf(cluster.api, 'default').length === 5);
    setImage('app:3');
    await waitFor('recreated again', () => rolledOut(get()) && replicaSets().length === 2);
    stop();
    expect(overlap).toBe(false);
    expect(
      replicaSets()
        .map((rs) => rs.metadata.annotations?.[REVISION])
        .sort(),
    ).toEqual(['2', '3']);
  });

  it('reports a rollout that cannot progress as ProgressDeadlineExceeded', async () => {
    cluster = await startTestCluster([deploymentController(), replicaSetController()]);
    const d = deployment('app:1');
    (d.spec as Record<string, unknown>).progressDeadlineSeconds = 1;
    cluster.api.create(DEPLOYMENTS, d);
    const reason = (): string | undefined =>
      (get().status as { conditions?: Array<{ type: string; reason: string }> } | undefined)?.conditions?.find(
        (c) => c.type === 'Progressing',
      )?.reason;
    await waitFor('deadline', () => reason() === 'ProgressDeadlineExceeded', 5_000);
    expect((get().status as Record<string, number>).unavailableReplicas).toBe(3);
  });

  it('adopts the ReplicaSet it left behind on an orphaning delete', async () => {
    cluster = await startTestCluster([deploymentController(), replicaSetController()]);
    stopKubelet = startFakeKubelet(cluster.api);
    cluster.api.create(DEPLOYMENTS, deployment('app:1'));
    await waitFor('rollout', () => rolledOut(get()));
    const before = podsOf(cluster.api, 'default')
      .map((p) => p.metadata.uid)
      .sort();
    cluster.api.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Orphan' });
    await waitFor('orphaned', () => !get() && replicaSets().every((rs) => !rs.metadata.ownerReferences));
    const again = cluster.api.create(DEPLOYMENTS, deployment('app:1'));
    await waitFor(
      'adopted and rolled out',
      () => rolledOut(get()) && replicaSets()[0]?.metadata.ownerReferences?.[0]?.uid === again.metadata.uid,
    );
    expect(replicaSets()).toHaveLength(1);
    expect(
      podsOf(cluster.api, 'default')
        .map((p) => p.metadata.uid)
        .sort(),
    ).toEqual(before);
  });

  it('holds a paused rollout but still scales, and rolls on resume', async () => {
    cluster = await startTestCluster([deploymentController(), replicaSetController()]);
    stopKubelet = startFakeKubelet(cluster.api);
    cluster.api.create(DEPLOYMENTS, deployment('app:1'));
    await waitFor('rollout', () => rolledOut(get()));
    const paused = get();
    (paused.spec as Record<string, unknown>).paused = true;
    cluster.api.update(DEPLOYMENTS, paused);
    setImage('app:2');
    const scaled = get();
    (scaled.spec as Record<string, unknown>).replicas = 4;
    cluster.api.update(DEPLOYMENTS, scaled);
    await waitFor('scaled while paused', () => podsOf(cluster.api, 'default').length === 4);
    expect(replicaSets()).toHaveLength(1);
    const reason = (get().status as { conditions: Array<{ type: string; reason: string }> }).conditions.find(
      (c) => c.type === 'Progressing',
    )?.reason;
    expect(reason).toBe('DeploymentPaused');
    const resumed = get();
    (resumed.spec as Record<string, unknown>).paused = false;
    cluster.api.update(DEPLOYMENTS, resumed);
    await waitFor(
      'rolled after resume',
      () => rolledOut(get()) && replicaSets().length === 2 && podsOf(cluster.api, 'default').length === 4,
    );
  });
});
