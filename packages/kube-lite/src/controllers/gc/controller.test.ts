import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, ResourceRef } from '../api';
import { CRDS, DEPLOYMENTS, LEASES, NODES, PODS, REPLICA_SETS } from '../runtime/resources';
import { deploymentController } from '../deployment/controller';
import { replicaSetController } from '../replicaset/controller';
import type { TestCluster } from '../testing/cluster';
import { podsOf, startTestCluster, waitFor } from '../testing/cluster';
import { garbageCollector } from './controller';

let cluster: TestCluster;
afterEach(() => cluster?.stop());

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps' };
const configMap = (name: string, owners: KubeObject[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'default',
    ownerReferences: owners.map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      uid: o.metadata.uid!,
      blockOwnerDeletion: true,
    })),
  },
});

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
  },
};

describe('garbage collector (real kube-lite)', () => {
  it('cascades a background delete from a Deployment to its ReplicaSets and pods', async () => {
    cluster = await startTestCluster([garbageCollector(), deploymentController(), replicaSetController()]);
    cluster.api.create(DEPLOYMENTS, deployment);
    await waitFor('pods', () => podsOf(cluster.api, 'default').length === 2);
    cluster.api.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Background' });
    await waitFor(
      'all gone',
      () => cluster.api.list(REPLICA_SETS).items.length === 0 && podsOf(cluster.api, 'default').length === 0,
    );
  });

  it('deletes dependents first in a foreground delete, then the owner', async () => {
    cluster = await startTestCluster([garbageCollector(), deploymentController(), replicaSetController()]);
    cluster.api.create(DEPLOYMENTS, deployment);
    await waitFor('pods', () => podsOf(cluster.api, 'default').length === 2);
    cluster.api.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Foreground' });
    const owner = cluster.api.get(DEPLOYMENTS, 'default', 'web');
    expect(owner?.metadata.finalizers).toContain('foregroundDeletion');
    await waitFor('owner gone last', () => !cluster.api.get(DEPLOYMENTS, 'default', 'web'));
    expect(cluster.api.list(REPLICA_SETS).items).toHaveLength(0);
    expect(podsOf(cluster.api, 'default')).toHaveLength(0);
  });

  it('keeps an object while one owner lives and drops the dangling reference', async () => {
    cluster = await startTestCluster([garbageCollector()]);
    const a = cluster.api.create(CONFIGMAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'default' },
    });
    const b = cluster.api.create(CONFIGMAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'b', namespace: 'default' },
    });
    cluster.api.create(CONFIGMAPS, configMap('child', [a, b]));
    cluster.api.delete(CONFIGMAPS, 'default', 'a');
    await waitFor(
      'reference dropped',
      () => cluster.api.get(CONFIGMAPS, 'default', 'child')?.metadata.ownerReferences?.length === 1,
    );
    cluster.api.delete(CONFIGMAPS, 'default', 'b');
    await waitFor('child collected', () => !cluster.api.get(CONFIGMAPS, 'default', 'child'));
  });

  it('collects objects owned by a custom resource and orphans on request', async () => {
    cluster = await startTestCluster([garbageCollector()]);
    cluster.api.create(CRDS, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    const WIDGETS: ResourceRef = { group: 'example.com', version: 'v1', resource: 'widgets' };
    const widget = await waitFor('widget served', () => {
      try {
        return cluster.api.create(WIDGETS, {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w', namespace: 'default' },
        });
      } catch {
        return undefined;
      }
    });
    cluster.api.create(CONFIGMAPS, configMap('owned', [widget]));
    cluster.api.delete(WIDGETS, 'default', 'w');
    await waitFor('owned collected', () => !cluster.api.get(CONFIGMAPS, 'default', 'owned'));

    const keeper = cluster.api.create(CONFIGMAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'keeper', namespace: 'default', finalizers: ['orphan'] },
    });
    cluster.api.create(CONFIGMAPS, configMap('kept', [keeper]));
    cluster.api.delete(CONFIGMAPS, 'default', 'keeper');
    await waitFor('keeper gone', () => !cluster.api.get(CONFIGMAPS, 'default', 'keeper'));
    expect(cluster.api.get(CONFIGMAPS, 'default', 'kept')?.metadata.ownerReferences).toBeUndefined();
  });

  it('collects pods whose owner vanished while it was not running', async () => {
    cluster = await startTestCluster([]);
    const ghost = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'gone', uid: 'no-such-uid' } };
    cluster.api.create(PODS, {
      ...configMap('orphan-pod', [ghost]),
      apiVersion: 'v1',
      kind: 'Pod',
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    const abort = new AbortController();
    const run = garbageCollector().start(cluster.api, abort.signal);
    await waitFor('collected', () => podsOf(cluster.api, 'default').length === 0);
    abort.abort();
    await run;
  });

  it('collects a Lease owned by a Node when the Node is deleted', async () => {
    cluster = await startTestCluster([garbageCollector()]);
    const node = cluster.api.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1' } });
    cluster.api.create(LEASES, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'edge-1',
        namespace: 'kube-node-lease',
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'edge-1', uid: node.metadata.uid! }],
      },
      spec: { holderIdentity: 'edge-1' },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cluster.api.get(LEASES, 'kube-node-lease', 'edge-1')).toBeDefined();
    cluster.api.delete(NODES, undefined, 'edge-1');
    await waitFor('lease collected', () => !cluster.api.get(LEASES, 'kube-node-lease', 'edge-1'));
  });
});
