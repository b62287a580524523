import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../api';
import { DAEMON_SETS, NODES } from '../runtime/resources';
import { scheduler } from '../scheduler/scheduler';
import type { TestCluster } from '../testing/cluster';
import { addNode, podsOf, startFakeKubelet, startTestCluster, waitFor } from '../testing/cluster';
import { field } from '../util/objects';
import type { Toleration } from '../util/node-match';
import { daemonSetController } from './controller';
import type * as Placement from './placement';
import { REVISION_HASH_LABEL } from './placement';

// A sync of a DaemonSet asks each of its pods for its node: the count shows whether a node event made a sync.
const podsWalked = vi.hoisted(() => ({ count: 0 }));
vi.mock('./placement', async (importOriginal) => {
  const real = await importOriginal<typeof Placement>();
  return {
    ...real,
    targetNode: (...args: Parameters<typeof real.targetNode>) => {
      podsWalked.count++;
      return real.targetNode(...args);
    },
  };
});

let cluster: TestCluster;
let stopKubelet: () => void = () => {};
afterEach(async () => {
  stopKubelet();
  await cluster?.stop();
});

const daemonSet = (image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: { nodeSelector: { role: 'edge' }, containers: [{ name: 'c', image }] },
    },
  },
});

const status = (): Record<string, number> =>
  (cluster.api.get(DAEMON_SETS, 'default', 'agent')?.status ?? {}) as Record<string, number>;
const podNodes = (): string[] =>
  podsOf(cluster.api, 'default')
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => field<string>(p, 'spec', 'nodeName') ?? '?')
    .sort();

describe('DaemonSet controller (real kube-lite)', () => {
  it('runs one pod per matching node, follows nodes, and rolls a new template', async () => {
    cluster = await startTestCluster([daemonSetController(), scheduler()]);
    stopKubelet = startFakeKubelet(cluster.api);
    addNode(cluster.api, 'e1', { labels: { role: 'edge' } });
    addNode(cluster.api, 'e2', { labels: { role: 'edge' }, unschedulable: true });
    addNode(cluster.api, 'cloud', { labels: { role: 'cloud' } });
    cluster.api.create(DAEMON_SETS, daemonSet('agent:1'));
    await waitFor('two daemon pods bound', () => podNodes().join() === 'e1,e2' && podNodes());
    const pod = podsOf(cluster.api, 'default')[0]!;
    const tolerations = field<Toleration[]>(pod, 'spec', 'tolerations') ?? [];
    expect(tolerations).toContainEqual({
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
    });
    expect(tolerations).toContainEqual({
      key: 'node.kubernetes.io/unschedulable',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    expect(
      field(
        pod,
        'spec',
        'affinity',
        'nodeAffinity',
        'requiredDuringSchedulingIgnoredDuringExecution',
        'nodeSelectorTerms',
        '0',
        'matchFields',
        '0',
        'key',
      ),
    ).toBe('metadata.name');
    await waitFor('status', () => status().numberAvailable === 2);
    expect(status()).toMatchObject({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 2,
      updatedNumberScheduled: 2,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });

    addNode(cluster.api, 'e3', { labels: { role: 'edge' } });
    await waitFor('pod on the new node', () => podNodes().join() === 'e1,e2,e3');
    cluster.api.delete(NODES, undefined, 'e2');
    await waitFor('pod of the removed node gone', () => podNodes().join() === 'e1,e3');

    const ds = cluster.api.get(DAEMON_SETS, 'default', 'agent')!;
    const oldHash = podsOf(cluster.api, 'default')[0]!.metadata.labels?.[REVISION_HASH_LABEL];
    (ds.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image =
      'agent:2';
    cluster.api.update(DAEMON_SETS, ds);
    await waitFor(
      'rolled',
      () =>
        status().updatedNumberScheduled === 2 && status().numberAvailable === 2 && status().observedGeneration === 2,
      8_000,
    );
    const hashes = new Set(podsOf(cluster.api, 'default').map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]));
    expect(hashes.has(oldHash)).toBe(false);
  });

  it('removes a pod whose node label stops matching', async () => {
    cluster = await startTestCluster([daemonSetController()]);
    addNode(cluster.api, 'e1', { labels: { role: 'edge' } });
    cluster.api.create(DAEMON_SETS, daemonSet('agent:1'));
    await waitFor('pod', () => podsOf(cluster.api, 'default').length === 1);
    const node = cluster.api.get(NODES, undefined, 'e1')!;
    cluster.api.update(NODES, { ...node, metadata: { ...node.metadata, labels: { role: 'cloud' } } });
    await waitFor('pod removed', () => podsOf(cluster.api, 'default').length === 0);
    await waitFor('status', () => status().desiredNumberScheduled === 0 && status().currentNumberScheduled === 0);
  });

  it('does not walk the fleet for a taint every daemon pod tolerates, and does for one they do not', async () => {
    cluster = await startTestCluster([daemonSetController()]);
    addNode(cluster.api, 'e1', { labels: { role: 'edge' } });
    cluster.api.create(DAEMON_SETS, daemonSet('agent:1'));
    await waitFor('pod', () => podsOf(cluster.api, 'default').length === 1);
    await waitFor('status', () => status().currentNumberScheduled === 1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the pod's own events settle
    const taint = (t: Toleration & { effect: string }) => {
      const node = cluster.api.get(NODES, undefined, 'e1')!;
      const taints = [...(field<object[]>(node, 'spec', 'taints') ?? []), t];
      cluster.api.update(NODES, { ...node, spec: { ...(node.spec as object), taints } });
    };
    podsWalked.count = 0;
    // What the node lifecycle adds to a node whose Lease lapsed.
    taint({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(podsWalked.count).toBe(0); // no sync
    expect(podsOf(cluster.api, 'default')).toHaveLength(1);
    taint({ key: 'dedicated', value: 'other', effect: 'NoExecute' });
    await waitFor('pod evicted by the untolerated taint', () => podsOf(cluster.api, 'default').length === 0);
  });
});
