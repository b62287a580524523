// pods/binding: what a scheduler posts to place a pod on a node. Sets
// spec.nodeName and the PodScheduled condition in one write.
import type { KubeObject } from '../controllers/api';
import { apiErrors } from '../errors';
import type { ResourceDef } from '../registry/types';
import { arr, rec } from '../tables/format';
import { nowTimestamp } from './meta';
import type { ObjectService } from './objects';

export function bindPod(
  objects: ObjectService,
  podsDef: ResourceDef,
  namespace: string | undefined,
  name: string,
  binding: unknown,
): KubeObject {
  const b = rec(binding);
  const target = rec(b.target);
  if (typeof target.name !== 'string' || !target.name) {
    throw apiErrors.invalid('', 'Binding', name, [
      { reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' },
    ]);
  }
  const pod = objects.getCopy(podsDef, namespace, name);
  const uid = rec(b.metadata).uid;
  if (typeof uid === 'string' && uid !== pod.metadata.uid) {
    throw apiErrors.conflict(
      '',
      'pods',
      name,
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid ?? ''}`,
    );
  }
  const spec = rec(pod.spec);
  if (spec.nodeName)
    throw apiErrors.conflict('', 'pods', name, `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
  if (pod.metadata.deletionTimestamp)
    throw apiErrors.conflict('', 'pods', name, `pod ${name} is being deleted, cannot be assigned to a host`);
  spec.nodeName = target.name;
  pod.spec = spec;
  const status = rec(pod.status);
  const conditions = arr(status.conditions)
    .map(rec)
    .filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() });
  pod.status = { ...status, conditions };
  // Binding writes spec and status together, which neither PUT path may.
  return objects.store.write('pods', 'MODIFIED', pod).object;
}
