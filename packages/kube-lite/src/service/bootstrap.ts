// What the server keeps true by itself: the system namespaces exist, each
// namespace has a "default" ServiceAccount, and every CRD's resources are
// served while it exists (its objects go with it).
import type { KubeObject } from '../controllers/api';
import { ApiError } from '../errors';
import { crdResources } from '../registry/crd';
import type { Registry } from '../registry/registry';
import type { ResourceDef } from '../registry/types';
import { resourceKeyOf } from '../registry/types';
import type { ObjectService } from './objects';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const crdKey = 'customresourcedefinitions.apiextensions.k8s.io';

function registerCrd(registry: Registry, crd: KubeObject): void {
  registry.removeCrd(crd.metadata.name);
  for (const def of crdResources(crd)) registry.add(def);
}

function dropCrdObjects(objects: ObjectService, defs: ResourceDef[]): void {
  const seen = new Set<string>();
  for (const def of defs) {
    const rkey = resourceKeyOf(def);
    if (seen.has(rkey)) continue;
    seen.add(rkey);
    for (const s of objects.store.list(rkey)) objects.remove(def, JSON.parse(s.json) as KubeObject);
  }
}

function ensureServiceAccount(objects: ObjectService, registry: Registry, namespace: string): void {
  const def = registry.find('', 'v1', 'serviceaccounts')!;
  if (objects.store.get('serviceaccounts', namespace, 'default')) return;
  try {
    objects.create(def, namespace, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace },
    });
  } catch (error) {
    // The namespace may be terminating already: then it needs no account.
    if (!(error instanceof ApiError)) throw error;
  }
}

/** Registers stored CRDs, creates missing system namespaces, and keeps both rules on every later write. */
export function bootstrap(objects: ObjectService, registry: Registry): () => void {
  const store = objects.store;
  for (const s of store.list(crdKey)) registerCrd(registry, s.object);
  const unsubscribeCrds = store.subscribe(crdKey, (e) => {
    if (e.type === 'DELETED') dropCrdObjects(objects, registry.removeCrd(e.object.metadata.name));
    else registerCrd(registry, e.object);
  });
  const unsubscribeNs = store.subscribe('namespaces', (e) => {
    if (e.type === 'ADDED') ensureServiceAccount(objects, registry, e.object.metadata.name);
  });
  const nsDef = registry.find('', 'v1', 'namespaces')!;
  for (const name of systemNamespaces) {
    if (!store.get('namespaces', '', name))
      objects.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  for (const s of store.list('namespaces'))
    if (!s.object.metadata.deletionTimestamp) ensureServiceAccount(objects, registry, s.object.metadata.name);
  return () => {
    unsubscribeCrds();
    unsubscribeNs();
  };
}
