/**
 * Watched objects are kept once for the whole fleet (the informer's cache and
 * the NodeIndex share each object), so what is kept is what cloudcore's heap
 * grows with. Nothing in cloudcore reads what trimForWire drops: managed
 * fields, bookkeeping annotations (kubectl's last-applied copy of a
 * ConfigMap's data, for one) and a Pod's status, which its edge owns and
 * reports. Dropping them as objects arrive is what client-go's informer
 * transforms do for kubelet and controllers.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { trimForWire } from '@kedge/protocol';
import type { SyncedKind } from './node-index';

/** Trims `obj` in place, as the edge would get it; returns it. */
export function slimInPlace(kind: SyncedKind, obj: KubernetesObject): KubernetesObject {
  const trimmed = trimForWire({ ...obj, kind }) as KubernetesObject & { status?: unknown };
  obj.metadata = trimmed.metadata;
  if (!('status' in trimmed)) delete (obj as { status?: unknown }).status;
  return obj;
}
