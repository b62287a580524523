import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceRef } from '../api';
import { CRDS, NAMESPACES, PODS } from '../runtime/resources';
import type { TestCluster } from '../testing/cluster';
import { addNode, startFakeKubelet, startTestCluster, waitFor } from '../testing/cluster';
import { scheduler } from '../scheduler/scheduler';
import { field } from '../util/objects';
import { namespaceController } from './controller';

let cluster: TestCluster;
let stopKubelet: () => void = () => {};
afterEach(async () => {
  stopKubelet();
  await cluster?.stop();
});

const GADGETS: ResourceRef = { group: 'example.com', version: 'v1', resource: 'gadgets' };

describe('namespace controller (real kube-lite)', () => {
  it('empties a deleted namespace of built-in and custom objects, then lets it go', async () => {
    cluster = await startTestCluster([namespaceController(), scheduler()]);
    stopKubelet = startFakeKubelet(cluster.api);
    addNode(cluster.api, 'n1');
    cluster.api.create(CRDS, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
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
    cluster.api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    cluster.api.create(
      { group: '', version: 'v1', resource: 'configmaps' },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' } },
    );
    cluster.api.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    await waitFor('pod bound', () => field(cluster.api.get(PODS, 'shop', 'p'), 'spec', 'nodeName'));
    await waitFor('gadget created', () => {
      try {
        return cluster.api.create(GADGETS, {
          apiVersion: 'example.com/v1',
          kind: 'Gadget',
          metadata: { name: 'g', namespace: 'shop' },
        });
      } catch {
        return undefined;
      }
    });
    expect(field(cluster.api.get(NAMESPACES, undefined, 'shop'), 'spec', 'finalizers')).toEqual(['kubernetes']);
    cluster.api.delete(NAMESPACES, undefined, 'shop');
    await waitFor('namespace gone', () => !cluster.api.get(NAMESPACES, undefined, 'shop'));
    expect(cluster.api.list(GADGETS).items).toHaveLength(0);
    expect(cluster.api.list(PODS, { namespace: 'shop' }).items).toHaveLength(0);
  });
});
