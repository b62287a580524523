// Garbage collector: deletes objects whose owners are all gone (background
// cascade), empties owners deleted in the foreground before letting them go,
// and honours the "orphan" finalizer. It watches the built-in resources that
// can own or be owned, plus every custom resource as its CRD appears.
import type { Controller, ControllerApi, KubeObject, OwnerReference, ResourceRef, WatchEventType } from '../api';
import { ignoreNotFound, isNotFound } from '../runtime/api-errors';
import { defineController } from '../runtime/controller';
import type { QueueHandle } from '../runtime/controller';
import type { Informer, SharedInformers } from '../runtime/informer';
import { BUILTIN_CLUSTER, BUILTIN_NAMESPACED, CRDS, EVENTS, resourceId } from '../runtime/resources';
import { clone, splitKey } from '../util/objects';
import { OwnerGraph, sameRefs } from './graph';
import type { Node } from './graph';
import { crdKinds, resolveKind } from './kinds';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

interface Gc {
  api: ControllerApi;
  informers: SharedInformers;
  queue: QueueHandle;
  graph: OwnerGraph;
  crds: Informer;
  watched: Map<string, Informer>;
  subscriptions: Array<() => void>;
}

const depItem = (n: Node): string => `dependent|${resourceId(n.informer.ref)}|${n.key}`;
const ownerItem = (n: Node): string => `owner|${resourceId(n.informer.ref)}|${n.key}`;
const isFinalizing = (o: KubeObject): boolean =>
  o.metadata.deletionTimestamp !== undefined &&
  (o.metadata.finalizers ?? []).some((f) => f === FOREGROUND || f === ORPHAN);

export function garbageCollector(): Controller {
  return defineController('garbage-collector', (api, informers, queue) => {
    const crds = informers.informer(CRDS);
    const gc: Gc = { api, informers, queue, graph: new OwnerGraph(), crds, watched: new Map(), subscriptions: [] };
    // Events are many and never own anything worth collecting: they expire instead.
    for (const ref of [...BUILTIN_NAMESPACED, ...BUILTIN_CLUSTER].filter((r) => resourceId(r) !== resourceId(EVENTS))) {
      try {
        watch(gc, { group: ref.group, version: ref.version, resource: ref.resource });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    gc.subscriptions.push(crds.subscribe((type, crd) => type !== 'DELETED' && queue.add(`crd|${crd.metadata.name}`)));
    const initialKeys: string[] = [...crds.list()].map((crd) => `crd|${crd.metadata.name}`);
    for (const informer of gc.watched.values()) initialKeys.push(...scan(gc, informer));
    return { subscriptions: gc.subscriptions, initialKeys, sync: (item) => sync(gc, item) };
  });
}

/** Starts following a resource: its objects join the graph and its events drive the queue. */
function watch(gc: Gc, ref: ResourceRef): Informer {
  const id = resourceId(ref);
  const known = gc.watched.get(id);
  if (known) return known;
  const informer = gc.informers.informer(ref);
  gc.watched.set(id, informer);
  for (const object of informer.list()) gc.graph.add(informer, object);
  gc.subscriptions.push(informer.subscribe((type, object, old) => onEvent(gc, informer, type, object, old)));
  return informer;
}

/** Work items for what is already there: objects with unknown owners, owners being finalized. */
function scan(gc: Gc, informer: Informer): string[] {
  const items: string[] = [];
  for (const object of informer.list()) {
    const node = { informer, key: `${object.metadata.namespace ?? ''}/${object.metadata.name}` };
    if ((object.metadata.ownerReferences ?? []).some((r) => !gc.graph.has(r.uid))) items.push(depItem(node));
    if (isFinalizing(object)) items.push(ownerItem(node));
  }
  return items;
}

function onEvent(
  gc: Gc,
  informer: Informer,
  type: WatchEventType,
  object: KubeObject,
  old: KubeObject | undefined,
): void {
  const node = { informer, key: `${object.metadata.namespace ?? ''}/${object.metadata.name}` };
  if (type === 'DELETED') {
    gc.graph.remove(informer, object);
    for (const dependent of gc.graph.dependentsOf(object.metadata.uid ?? '')) gc.queue.add(depItem(dependent));
    // An owner deleted in the foreground waits for this object: look at it again.
    for (const ref of object.metadata.ownerReferences ?? []) {
      const owner = gc.graph.get(ref.uid);
      if (owner) gc.queue.add(ownerItem(owner));
    }
    return;
  }
  if (old) gc.graph.remove(informer, old);
  gc.graph.add(informer, object);
  const refs = object.metadata.ownerReferences ?? [];
  if ((!old || !sameRefs(old.metadata.ownerReferences, refs)) && refs.some((r) => !gc.graph.has(r.uid)))
    gc.queue.add(depItem(node));
  if (isFinalizing(object)) gc.queue.add(ownerItem(node));
}

function sync(gc: Gc, item: string): void {
  const [kind, id, ...rest] = item.split('|');
  const key = rest.join('|');
  if (kind === 'crd') return void watchCrd(gc, id ?? '');
  const informer = gc.watched.get(id ?? '');
  const object = informer?.getByKey(key);
  if (!informer || !object) return;
  if (kind === 'dependent') collectDependent(gc, informer, object);
  else finalizeOwner(gc, informer, object);
}

function watchCrd(gc: Gc, name: string): void {
  const crd = gc.crds.get(undefined, name);
  if (!crd || crd.metadata.deletionTimestamp) return;
  const kinds = crdKinds(crd);
  const chosen = kinds.find((k) => k.storage) ?? kinds[0];
  if (!chosen) return;
  const before = gc.watched.has(resourceId(chosen.info.ref));
  const informer = watch(gc, chosen.info.ref);
  if (!before) for (const i of scan(gc, informer)) gc.queue.add(i);
}

/** Deletes an object whose owners are all gone; drops references to the ones that are gone. */
function collectDependent(gc: Gc, informer: Informer, object: KubeObject): void {
  const refs = object.metadata.ownerReferences ?? [];
  if (refs.length === 0 || object.metadata.deletionTimestamp) return;
  const { namespace, name } = splitKey(`${object.metadata.namespace ?? ''}/${object.metadata.name}`);
  const gone = refs.filter((ref) => {
    const info = resolveKind(gc.crds.list(), ref.apiVersion, ref.kind);
    if (!info) return false;
    let owner: KubeObject | undefined;
    try {
      owner = gc.api.get(info.ref, info.namespaced ? namespace : undefined, ref.name);
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    return !owner || owner.metadata.uid !== ref.uid;
  });
  if (gone.length === 0) return;
  if (gone.length === refs.length) {
    ignoreNotFound(() =>
      gc.api.delete(informer.ref, namespace, name, { uid: object.metadata.uid, propagationPolicy: 'Background' }),
    );
    return;
  }
  informer.observe(
    gc.api.update(
      informer.ref,
      withoutOwners(object, (r) => gone.includes(r)),
    ),
  );
}

function withoutOwners(object: KubeObject, drop: (ref: OwnerReference) => boolean): KubeObject {
  const updated = clone(object);
  const kept = (object.metadata.ownerReferences ?? []).filter((r) => !drop(r));
  if (kept.length > 0) updated.metadata.ownerReferences = kept;
  else delete updated.metadata.ownerReferences;
  return updated;
}

/** Foreground: delete dependents, then drop the finalizer. Orphan: unlink dependents, then drop it. */
function finalizeOwner(gc: Gc, informer: Informer, owner: KubeObject): void {
  if (!isFinalizing(owner)) return;
  const uid = owner.metadata.uid ?? '';
  const finalizers = owner.metadata.finalizers ?? [];
  const dependents = gc.graph.dependentsOf(uid).flatMap((n) => {
    const o = n.informer.getByKey(n.key);
    return o ? [{ node: n, object: o }] : [];
  });
  if (finalizers.includes(ORPHAN)) {
    for (const { node, object } of dependents) {
      node.informer.observe(
        gc.api.update(
          node.informer.ref,
          withoutOwners(object, (r) => r.uid === uid),
        ),
      );
    }
  } else if (dependents.length > 0) {
    for (const { node, object } of dependents) {
      if (object.metadata.deletionTimestamp) continue;
      const hasOwn = gc.graph.dependentsOf(object.metadata.uid ?? '').length > 0;
      const { namespace, name } = splitKey(node.key);
      ignoreNotFound(() =>
        gc.api.delete(node.informer.ref, namespace, name, {
          uid: object.metadata.uid,
          propagationPolicy: hasOwn ? 'Foreground' : 'Background',
        }),
      );
    }
    return;
  }
  const updated = clone(owner);
  updated.metadata.finalizers = finalizers.filter((f) => f !== FOREGROUND && f !== ORPHAN);
  gc.api.update(informer.ref, updated);
}
