/**
 * What is bound to which node, fed by the shared informers: pods and
 * devices by spec.nodeName, and what they reference (ConfigMaps/Secrets of
 * pods, DeviceModels of devices) by how many of a node's objects reference it. Every change calls the listener with the (node, uid)
 * pairs whose desired state may have changed; the send queue decides later
 * what, if anything, to send.
 */
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { formatObjectKey } from '@kedge/protocol';
import { deviceReferences, podReferences, type DeviceObject } from './references';

export type SyncedKind = 'Pod' | 'ConfigMap' | 'Secret' | 'Device' | 'DeviceModel';

const DEVICES_API_VERSION = 'devices.kubeedge.io/v1beta1';
/** Lists of core kinds leave apiVersion out of their items. */
const API_VERSIONS: Readonly<Record<SyncedKind, string>> = {
  Pod: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Device: DEVICES_API_VERSION,
  DeviceModel: DEVICES_API_VERSION,
};

/** Kinds bound to a node by spec.nodeName; the others follow what those reference. */
const BOUND_KINDS: ReadonlySet<SyncedKind> = new Set(['Pod', 'Device']);

function bindingOf(kind: SyncedKind, obj: KubernetesObject): { node: string; refs: string[] } {
  const node = (obj as { spec?: { nodeName?: string } }).spec?.nodeName ?? '';
  if (!node) return { node, refs: [] };
  return { node, refs: kind === 'Pod' ? podReferences(obj as V1Pod) : deviceReferences(obj as DeviceObject) };
}

/** Enough of an object to name it in a DELETED frame after it is gone. */
export interface ObjectMeta {
  readonly kind: SyncedKind;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
}

export interface IndexedObject {
  readonly meta: ObjectMeta;
  readonly object: KubernetesObject;
}

export type ChangeListener = (node: string, meta: ObjectMeta) => void;

function metaOf(kind: SyncedKind, obj: KubernetesObject): ObjectMeta | undefined {
  const uid = obj.metadata?.uid;
  const name = obj.metadata?.name;
  if (!uid || !name) return undefined;
  return {
    kind,
    apiVersion: obj.apiVersion ?? API_VERSIONS[kind],
    namespace: obj.metadata?.namespace ?? '',
    name,
    uid,
    resourceVersion: obj.metadata?.resourceVersion ?? '',
  };
}

const keyOf = (meta: ObjectMeta): string => formatObjectKey(meta);

export class NodeIndex {
  private readonly byUid = new Map<string, IndexedObject>();
  private readonly uidByKey = new Map<string, string>();
  /** node -> uids of its pods and devices */
  private readonly boundByNode = new Map<string, Set<string>>();
  /** pod/device uid -> [node, referenced keys] as last indexed */
  private readonly bindings = new Map<string, { node: string; refs: string[] }>();
  /** referenced key -> node -> number of that node's objects referencing it */
  private readonly refCounts = new Map<string, Map<string, number>>();
  /** node -> keys its objects reference (so a resync does not scan every node's references) */
  private readonly refsByNode = new Map<string, Set<string>>();
  private readonly listeners: ChangeListener[] = [];

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  upsert(kind: SyncedKind, obj: KubernetesObject): void {
    const meta = metaOf(kind, obj);
    if (!meta) return;
    const previous = this.byUid.get(meta.uid);
    this.byUid.set(meta.uid, { meta, object: obj });
    this.uidByKey.set(keyOf(meta), meta.uid);
    if (BOUND_KINDS.has(kind)) this.rebind(meta, obj);
    else if (previous?.meta.resourceVersion !== meta.resourceVersion) this.notifyReferencing(meta);
  }

  remove(kind: SyncedKind, obj: KubernetesObject): void {
    const meta = metaOf(kind, obj);
    if (!meta) return;
    const known = this.byUid.get(meta.uid)?.meta ?? meta;
    this.byUid.delete(meta.uid);
    if (this.uidByKey.get(keyOf(known)) === meta.uid) this.uidByKey.delete(keyOf(known));
    if (BOUND_KINDS.has(kind)) this.rebind(known, undefined);
    else this.notifyReferencing(known);
  }

  /** The object if it is currently bound to `node`. */
  boundTo(node: string, uid: string): IndexedObject | undefined {
    const entry = this.byUid.get(uid);
    if (!entry) return undefined;
    if (BOUND_KINDS.has(entry.meta.kind)) return this.bindings.get(uid)?.node === node ? entry : undefined;
    return (this.refCounts.get(keyOf(entry.meta))?.get(node) ?? 0) > 0 ? entry : undefined;
  }

  /** Everything bound to `node` now, what is referenced first (a pod's ConfigMap before the pod). */
  *desiredFor(node: string): Generator<IndexedObject> {
    for (const key of this.refsByNode.get(node) ?? []) {
      const uid = this.uidByKey.get(key);
      const entry = uid === undefined ? undefined : this.byUid.get(uid);
      if (entry) yield entry;
    }
    for (const uid of this.boundByNode.get(node) ?? []) {
      const bound = this.byUid.get(uid);
      if (bound) yield bound;
    }
  }

  /** A pod or device by namespace/name with the node it is bound to ('' when unscheduled). */
  bound(
    kind: 'Pod' | 'Device',
    namespace: string,
    name: string,
  ): { uid: string; node: string; object: KubernetesObject } | undefined {
    const uid = this.uidByKey.get(formatObjectKey({ kind, namespace, name }));
    const entry = uid === undefined ? undefined : this.byUid.get(uid);
    if (!entry || uid === undefined) return undefined;
    return { uid, node: this.bindings.get(uid)?.node ?? '', object: entry.object };
  }

  get size(): number {
    return this.byUid.size;
  }

  // New references are counted before the object is announced and old ones
  // released after, so an edge gets a ConfigMap before the pod that needs it
  // and loses it only after the pod.
  private rebind(meta: ObjectMeta, obj: KubernetesObject | undefined): void {
    const before = this.bindings.get(meta.uid);
    const { node, refs } = obj ? bindingOf(meta.kind, obj) : { node: '', refs: [] };
    if (before && before.node !== node) this.boundByNode.get(before.node)?.delete(meta.uid);
    if (node) {
      let bound = this.boundByNode.get(node);
      if (!bound) this.boundByNode.set(node, (bound = new Set()));
      bound.add(meta.uid);
      this.bindings.set(meta.uid, { node, refs });
      for (const ref of refs) this.countRef(ref, node, +1);
    } else {
      this.bindings.delete(meta.uid);
    }
    if (before && before.node !== node) this.emit(before.node, meta);
    if (node) this.emit(node, meta);
    if (before) {
      for (const ref of before.refs) this.countRef(ref, before.node, -1);
      if (this.boundByNode.get(before.node)?.size === 0) this.boundByNode.delete(before.node);
    }
  }

  private countRef(key: string, node: string, delta: number): void {
    let nodes = this.refCounts.get(key);
    if (!nodes) this.refCounts.set(key, (nodes = new Map()));
    const count = (nodes.get(node) ?? 0) + delta;
    if (count > 0) nodes.set(node, count);
    else nodes.delete(node);
    if (nodes.size === 0) this.refCounts.delete(key);
    // Only a change between referenced and not changes what the node should hold.
    if ((delta > 0 && count === 1) || (delta < 0 && count === 0)) {
      let refs = this.refsByNode.get(node);
      if (!refs) this.refsByNode.set(node, (refs = new Set()));
      if (count > 0) refs.add(key);
      else refs.delete(key);
      if (refs.size === 0) this.refsByNode.delete(node);
      const uid = this.uidByKey.get(key);
      const entry = uid === undefined ? undefined : this.byUid.get(uid);
      if (entry) this.emit(node, entry.meta);
    }
  }

  private notifyReferencing(meta: ObjectMeta): void {
    for (const node of this.refCounts.get(keyOf(meta))?.keys() ?? []) this.emit(node, meta);
  }

  private emit(node: string, meta: ObjectMeta): void {
    for (const listener of this.listeners) listener(node, meta);
  }
}
