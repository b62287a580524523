import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api';
import { EVENTS, NODES, PODS } from '../runtime/resources';
import type { TestCluster } from '../testing/cluster';
import { addNode, podsOf, startTestCluster, waitFor } from '../testing/cluster';
import { field } from '../util/objects';
import { findCondition } from '../util/pods';
import { scheduler } from './scheduler';

let cluster: TestCluster;
afterEach(() => cluster?.stop());

const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'kedge.local/busybox:1' }], ...spec },
});
const nodeOf = (name: string): string | undefined =>
  field<string>(cluster.api.get(PODS, 'default', name), 'spec', 'nodeName');
const events = (reason: string): string[] =>
  cluster.api
    .list(EVENTS, { namespace: 'default' })
    .items.filter((e) => e.reason === reason)
    .map((e) => String(e.message));

describe('scheduler (real kube-lite)', () => {
  it('binds by selector, affinity, taints and resources, and spreads', async () => {
    cluster = await startTestCluster([scheduler()]);
    addNode(cluster.api, 'a', { labels: { zone: 'east' } });
    addNode(cluster.api, 'b', { labels: { zone: 'west' }, cpu: '500m' });
    addNode(cluster.api, 'c', { taints: [{ key: 'edge', effect: 'NoSchedule' }] });
    cluster.api.create(PODS, pod('by-selector', { nodeSelector: { zone: 'west' } }));
    cluster.api.create(
      PODS,
      pod('by-affinity', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['west'] }] }],
            },
          },
        },
        tolerations: [{ key: 'edge', operator: 'Exists' }],
      }),
    );
    cluster.api.create(
      PODS,
      pod('big', { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '1' } } }] }),
    );
    cluster.api.create(
      PODS,
      pod('by-name', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] }],
            },
          },
        },
        tolerations: [{ key: 'edge', operator: 'Exists' }],
      }),
    );
    await waitFor('all bound', () => ['by-selector', 'by-affinity', 'big', 'by-name'].every((n) => nodeOf(n)));
    expect(nodeOf('by-selector')).toBe('b');
    expect(['a', 'c']).toContain(nodeOf('by-affinity'));
    expect(nodeOf('big')).toBe('a');
    expect(nodeOf('by-name')).toBe('c');
    const bound = cluster.api.get(PODS, 'default', 'big')!;
    expect(findCondition(bound, 'PodScheduled')?.status).toBe('True');
    expect(events('Scheduled')).toContain('Successfully assigned default/big to a');
  });

  it('spreads pods evenly over equal nodes', async () => {
    cluster = await startTestCluster([scheduler()]);
    addNode(cluster.api, 'x');
    addNode(cluster.api, 'y');
    for (let i = 0; i < 6; i++) cluster.api.create(PODS, pod(`spread-${i}`));
    await waitFor('all bound', () => podsOf(cluster.api, 'default').every((p) => field(p, 'spec', 'nodeName')));
    const onX = podsOf(cluster.api, 'default').filter((p) => field(p, 'spec', 'nodeName') === 'x').length;
    expect(onX).toBe(3);
  });

  it('marks a pod Unschedulable with the reasons and binds it when a node fits', async () => {
    cluster = await startTestCluster([scheduler()]);
    addNode(cluster.api, 'small-1', { cpu: '1', labels: { role: 'edge' } });
    addNode(cluster.api, 'small-2', { cpu: '1', labels: { role: 'edge' } });
    addNode(cluster.api, 'other', { labels: { role: 'cloud' } });
    cluster.api.create(
      PODS,
      pod('hungry', {
        nodeSelector: { role: 'edge' },
        containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2', memory: '64Mi' } } }],
      }),
    );
    const message = "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.";
    const condition = await waitFor('unschedulable', () => {
      const c = findCondition(cluster.api.get(PODS, 'default', 'hungry')!, 'PodScheduled');
      return c?.status === 'False' && c;
    });
    expect(condition).toMatchObject({ reason: 'Unschedulable', message });
    await waitFor('FailedScheduling event', () => events('FailedScheduling').includes(message));
    addNode(cluster.api, 'big', { cpu: '8', labels: { role: 'edge' } });
    await waitFor('bound to the new node', () => nodeOf('hungry') === 'big');
  });

  it('tries a pod that names its node on that node alone, and says why it does not fit', async () => {
    cluster = await startTestCluster([scheduler()]);
    addNode(cluster.api, 'full', { pods: '0' });
    addNode(cluster.api, 'free-1');
    addNode(cluster.api, 'free-2', { unschedulable: true });
    const pinned = {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['full', 'gone'] }] }],
          },
        },
      },
    };
    cluster.api.create(PODS, pod('pinned', pinned));
    const c = await waitFor('unschedulable', () => {
      const cond = findCondition(cluster.api.get(PODS, 'default', 'pinned')!, 'PodScheduled');
      return cond?.status === 'False' && cond;
    });
    // The other two fail the affinity, whatever else is wrong with them; a named node that does not exist counts for nothing.
    expect(c.message).toBe(
      "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't match Pod's node affinity/selector.",
    );
  });

  it('skips unschedulable, not-ready and full nodes', async () => {
    cluster = await startTestCluster([scheduler()]);
    addNode(cluster.api, 'cordoned', { unschedulable: true });
    addNode(cluster.api, 'sick', { ready: 'False' });
    addNode(cluster.api, 'full', { pods: '0' });
    cluster.api.create(PODS, pod('p'));
    const c = await waitFor('unschedulable', () => {
      const cond = findCondition(cluster.api.get(PODS, 'default', 'p')!, 'PodScheduled');
      return cond?.status === 'False' && cond;
    });
    expect(c.message).toBe(
      '0/3 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable.',
    );
    const node = cluster.api.get(NODES, undefined, 'cordoned')!;
    cluster.api.update(NODES, { ...node, spec: { ...(node.spec as object), unschedulable: false } });
    await waitFor('bound after uncordon', () => nodeOf('p') === 'cordoned');
  });

  it('tries a pending pod again when a node it fits on frees capacity or turns Ready', async () => {
    cluster = await startTestCluster([scheduler()]);
    addNode(cluster.api, 'one', { pods: '1' });
    addNode(cluster.api, 'sick', { ready: 'False' });
    const pending = (name: string) =>
      waitFor(`${name} unschedulable`, () => {
        const c = findCondition(cluster.api.get(PODS, 'default', name)!, 'PodScheduled');
        return c?.status === 'False' && c;
      });
    cluster.api.create(PODS, pod('first'));
    await waitFor('first bound', () => nodeOf('first') === 'one');
    cluster.api.create(PODS, pod('second'));
    await pending('second');
    // A change that cannot make it fit (a label on the node that is not Ready) leaves it pending.
    const sick = cluster.api.get(NODES, undefined, 'sick')!;
    cluster.api.update(NODES, { ...sick, metadata: { ...sick.metadata, labels: { tier: 'b' } } });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(nodeOf('second')).toBeUndefined();
    cluster.api.delete(PODS, 'default', 'first', { gracePeriodSeconds: 0 });
    await waitFor('second bound where first was', () => nodeOf('second') === 'one', 15_000);
    cluster.api.create(PODS, pod('third'));
    await pending('third');
    const recovered = cluster.api.get(NODES, undefined, 'sick')!;
    const ready = {
      type: 'Ready',
      status: 'True',
      reason: 'KubeletReady',
      lastHeartbeatTime: new Date().toISOString(),
    };
    cluster.api.updateStatus(NODES, { ...recovered, status: { ...(recovered.status as object), conditions: [ready] } });
    await waitFor('third bound on the node that turned Ready', () => nodeOf('third') === 'sick', 15_000);
  }, 45_000);

  it('rejects a bad resource quantity with a clear condition', async () => {
    cluster = await startTestCluster([scheduler()]);
    addNode(cluster.api, 'a');
    cluster.api.create(
      PODS,
      pod('bad', { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: 'lots' } } }] }),
    );
    const c = await waitFor('condition', () => findCondition(cluster.api.get(PODS, 'default', 'bad')!, 'PodScheduled'));
    expect(c.message).toMatch(/invalid quantity "lots"/);
  });
});
