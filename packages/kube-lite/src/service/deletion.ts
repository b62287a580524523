// DELETE semantics: pod grace periods, finalizers, owner propagation,
// namespace termination. Bound pods wait for their node to confirm (a
// delete with gracePeriodSeconds=0) or for the grace period to run out.
import type { DeleteOptions, KubeObject } from '../controllers/api';
import { apiErrors } from '../errors';
import type { ResourceDef } from '../registry/types';
import { resourceKeyOf } from '../registry/types';
import { arr, rec } from '../tables/format';
import type { ObjectService } from './objects';
import { nowTimestamp } from './meta';

export interface DeleteRequest extends DeleteOptions {
  dryRun?: boolean;
  /** Precondition: only delete when the stored resourceVersion matches. */
  resourceVersion?: string;
}

/** Calls `expire` when a bound pod's grace period ends; reset on restart from the stored pods. */
export type GraceScheduler = (def: ResourceDef, pod: KubeObject, atMs: number) => void;

const isBoundPod = (def: ResourceDef, o: KubeObject): boolean =>
  !def.group &&
  def.resource === 'pods' &&
  typeof rec(o.spec).nodeName === 'string' &&
  rec(o.spec).nodeName !== '' &&
  !['Succeeded', 'Failed'].includes(String(rec(o.status).phase));

export class Deleter {
  constructor(
    private readonly objects: ObjectService,
    private readonly scheduleGrace: GraceScheduler,
  ) {}

  /** Returns the object as it is after the call (deleted or marked for deletion). */
  delete(def: ResourceDef, namespace: string | undefined, name: string, request: DeleteRequest = {}): KubeObject {
    const stored = this.objects.getStored(def, namespace, name);
    const current = stored.object;
    if (request.uid && request.uid !== current.metadata.uid) {
      throw apiErrors.conflict(
        def.group,
        def.resource,
        name,
        `Precondition failed: UID in precondition: ${request.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
      );
    }
    if (request.resourceVersion && request.resourceVersion !== current.metadata.resourceVersion) {
      throw apiErrors.conflict(
        def.group,
        def.resource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${request.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
      );
    }
    const o = JSON.parse(stored.json) as KubeObject;
    const m = o.metadata;
    const policy = request.propagationPolicy ?? 'Background';
    if (request.dryRun) return o;

    if (!def.group && def.resource === 'namespaces') {
      if (m.deletionTimestamp) return current;
      m.deletionTimestamp = nowTimestamp();
      m.deletionGracePeriodSeconds = 0;
      o.status = { ...rec(o.status), phase: 'Terminating' };
      return this.objects.finalized(def, o) ? this.objects.remove(def, o) : this.write(def, o);
    }

    if (policy === 'Orphan') this.orphanDependents(current);

    if (isBoundPod(def, o)) {
      const grace =
        request.gracePeriodSeconds ??
        m.deletionGracePeriodSeconds ??
        Number(rec(o.spec).terminationGracePeriodSeconds ?? 30);
      if (grace > 0) {
        // A second delete may shorten the grace period, never lengthen it.
        if (m.deletionTimestamp && m.deletionGracePeriodSeconds !== undefined && grace >= m.deletionGracePeriodSeconds)
          return current;
        const atMs = Date.now() + grace * 1000;
        m.deletionTimestamp = nowTimestamp(atMs);
        m.deletionGracePeriodSeconds = grace;
        if (policy === 'Foreground')
          m.finalizers = [...new Set([...arr(m.finalizers).map(String), 'foregroundDeletion'])];
        const written = this.write(def, o);
        this.scheduleGrace(def, written, atMs);
        return written;
      }
    }

    if (policy === 'Foreground' && !m.deletionTimestamp)
      m.finalizers = [...new Set([...arr(m.finalizers).map(String), 'foregroundDeletion'])];
    if (arr(m.finalizers).length) {
      if (m.deletionTimestamp && m.deletionGracePeriodSeconds === 0) return current;
      m.deletionTimestamp =
        m.deletionTimestamp && Date.parse(m.deletionTimestamp) < Date.now() ? m.deletionTimestamp : nowTimestamp();
      m.deletionGracePeriodSeconds = 0;
      return this.write(def, o);
    }
    return this.objects.remove(def, o);
  }

  /** Called when a bound pod's grace period has run out. */
  expire(def: ResourceDef, namespace: string, name: string, uid: string): void {
    const stored = this.objects.store.get(resourceKeyOf(def), namespace, name);
    if (!stored || stored.object.metadata.uid !== uid || !stored.object.metadata.deletionTimestamp) return;
    const o = JSON.parse(stored.json) as KubeObject;
    if (this.objects.finalized(def, o)) this.objects.remove(def, o);
  }

  private write(def: ResourceDef, o: KubeObject): KubeObject {
    return this.objects.store.write(resourceKeyOf(def), 'MODIFIED', o).object;
  }

  /** Orphan propagation: dependents lose their ownerReference to the deleted owner. */
  private orphanDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    const store = this.objects.store;
    for (const rkey of store.resourceKeys()) {
      for (const s of store.list(rkey)) {
        const refs = s.object.metadata.ownerReferences;
        if (!refs?.some((r) => r.uid === uid)) continue;
        const o = JSON.parse(s.json) as KubeObject;
        o.metadata.ownerReferences = refs.filter((r) => r.uid !== uid);
        if (!o.metadata.ownerReferences.length) delete o.metadata.ownerReferences;
        store.write(rkey, 'MODIFIED', o);
      }
    }
  }
}
