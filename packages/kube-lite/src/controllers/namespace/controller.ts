// Namespace controller: empties a Terminating namespace of every namespaced
// object (built-in and custom), then removes the "kubernetes" finalizer from
// spec.finalizers so the server deletes the namespace.
import type { Controller, ControllerApi, KubeObject, ResourceRef } from '../api';
import { ignoreNotFound, isNotFound } from '../runtime/api-errors';
import { defineController } from '../runtime/controller';
import type { Informer } from '../runtime/informer';
import type { SyncResult } from '../runtime/queue';
import { BUILTIN_NAMESPACED, CRDS, EVENTS, NAMESPACES, resourceId } from '../runtime/resources';
import { clone, field } from '../util/objects';
import { crdKinds } from '../gc/kinds';

export const NAMESPACE_FINALIZER = 'kubernetes';

/** How soon to look again while objects are still going away (pods in their grace period). */
const RECHECK_MS = 500;

export function namespaceController(): Controller {
  return defineController('namespace', (api, informers, queue) => {
    const namespaces = informers.informer(NAMESPACES);
    const terminating = (ns: KubeObject): boolean =>
      ns.metadata.deletionTimestamp !== undefined || field<string>(ns, 'status', 'phase') === 'Terminating';
    return {
      subscriptions: [
        namespaces.subscribe((type, ns) => type !== 'DELETED' && terminating(ns) && queue.add(ns.metadata.name)),
      ],
      initialKeys: [...namespaces.list()].filter(terminating).map((ns) => ns.metadata.name),
      sync: (name) => syncNamespace(api, namespaces, name),
    };
  });
}

/** Every namespaced resource: the built-ins, then each custom resource at its storage version. */
function namespacedResources(api: ControllerApi): ResourceRef[] {
  const refs: ResourceRef[] = BUILTIN_NAMESPACED.map(({ group, version, resource }) => ({ group, version, resource }));
  for (const crd of api.list(CRDS).items) {
    const kinds = crdKinds(crd).filter((k) => k.info.namespaced);
    const chosen = kinds.find((k) => k.storage) ?? kinds[0];
    if (chosen) refs.push(chosen.info.ref);
  }
  // Events last: deleting the others records more of them.
  return refs.sort(
    (a, b) => Number(resourceId(a) === resourceId(EVENTS)) - Number(resourceId(b) === resourceId(EVENTS)),
  );
}

function syncNamespace(api: ControllerApi, namespaces: Informer, name: string): SyncResult {
  const ns = namespaces.get(undefined, name);
  if (!ns || ns.metadata.deletionTimestamp === undefined) return;
  const finalizers = field<string[]>(ns, 'spec', 'finalizers') ?? [];
  if (!finalizers.includes(NAMESPACE_FINALIZER)) return;
  let remaining = 0;
  for (const ref of namespacedResources(api)) {
    let items: KubeObject[];
    try {
      items = api.list(ref, { namespace: name }).items;
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    for (const object of items) {
      remaining++;
      if (object.metadata.deletionTimestamp) continue;
      ignoreNotFound(() =>
        api.delete(ref, name, object.metadata.name, { uid: object.metadata.uid, propagationPolicy: 'Background' }),
      );
    }
  }
  if (remaining > 0) return { requeueAfterMs: RECHECK_MS };
  const updated = clone(ns);
  updated.spec = { ...(updated.spec as object), finalizers: finalizers.filter((f) => f !== NAMESPACE_FINALIZER) };
  api.update(NAMESPACES, updated);
}
