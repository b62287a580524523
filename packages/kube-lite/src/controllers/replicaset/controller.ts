// ReplicaSet controller: keeps spec.replicas active pods per ReplicaSet and
// reports how many are labelled, ready and available.
import type { Controller, ControllerApi, KubeObject } from '../api';
import { ORPHAN_INDEX, adoptOrphans, orphanLabels } from '../runtime/adopt';
import { ignoreNotFound } from '../runtime/api-errors';
import { defineController, enqueueOnOwnChange } from '../runtime/controller';
import type { Informer } from '../runtime/informer';
import type { SyncResult } from '../runtime/queue';
import { PODS, REPLICA_SETS } from '../runtime/resources';
import {
  byControllerUid,
  clone,
  controllerRef,
  field,
  isDeleting,
  keyOf,
  objectKey,
  statusDiffers,
} from '../util/objects';
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from '../util/pods';
import { labelsContain } from '../util/labels';
import { deletionOrder, podFromTemplate, templateOf } from './pods';

/** Pods created per sync; the rest follow on the next pass so one huge ReplicaSet cannot stall the server. */
const CREATE_BURST = 64;

export const CONTROLLER_UID_INDEX = 'controllerUid';

export function replicaSetController(): Controller {
  return defineController('replicaset', (api, informers, queue) => {
    const replicaSets = informers.informer(REPLICA_SETS);
    const pods = informers.informer(PODS);
    pods.addIndex(CONTROLLER_UID_INDEX, byControllerUid);
    pods.addIndex(ORPHAN_INDEX, orphanLabels);
    const enqueueOwner = (_type: string, pod: KubeObject): void => {
      const ref = controllerRef(pod);
      if (ref?.kind === 'ReplicaSet') queue.addCoalesced(objectKey(pod.metadata.namespace, ref.name));
    };
    return {
      subscriptions: [replicaSets.subscribe(enqueueOnOwnChange(queue, keyOf)), pods.subscribe(enqueueOwner)],
      initialKeys: [...replicaSets.list()].map(keyOf),
      sync: (key) => syncReplicaSet(api, replicaSets, pods, key),
    };
  });
}

function syncReplicaSet(api: ControllerApi, replicaSets: Informer, pods: Informer, key: string): SyncResult {
  const rs = replicaSets.getByKey(key);
  if (!rs?.metadata.uid) return;
  adoptOrphans(api, pods, rs, isPodActive);
  const owned = pods
    .byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid)
    .filter((p) => p.metadata.namespace === rs.metadata.namespace);
  let active = owned.filter(isPodActive);
  let more = false;
  if (!isDeleting(rs)) {
    const desired = field<number>(rs, 'spec', 'replicas') ?? 1;
    if (active.length < desired) {
      const count = Math.min(desired - active.length, CREATE_BURST);
      more = desired - active.length > count;
      for (let i = 0; i < count; i++) {
        const pod = createPod(api, rs);
        pods.observe(pod);
        active.push(pod);
      }
    } else if (active.length > desired) {
      const doomed = [...active].sort(deletionOrder).slice(0, active.length - desired);
      for (const pod of doomed) {
        ignoreNotFound(() => api.delete(PODS, pod.metadata.namespace, pod.metadata.name, { uid: pod.metadata.uid }));
        api.recordEvent(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      }
      const gone = new Set(doomed);
      active = active.filter((p) => !gone.has(p));
    }
  }
  const wait = updateStatus(api, replicaSets, rs, active);
  if (more) return { requeueAfterMs: 1 };
  return wait === undefined ? undefined : { requeueAfterMs: wait };
}

function createPod(api: ControllerApi, rs: KubeObject): KubeObject {
  try {
    const pod = api.create(PODS, podFromTemplate(rs, templateOf(rs)));
    api.recordEvent(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    return pod;
  } catch (err) {
    api.recordEvent(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
    throw err;
  }
}

/** Writes status when it changed; returns ms until a ready pod turns available, if any. */
function updateStatus(
  api: ControllerApi,
  replicaSets: Informer,
  rs: KubeObject,
  active: KubeObject[],
): number | undefined {
  const minReadySeconds = field<number>(rs, 'spec', 'minReadySeconds') ?? 0;
  const templateLabels = templateOf(rs)?.metadata?.labels;
  const now = Date.now();
  let wait: number | undefined;
  const next = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => labelsContain(p.metadata.labels, templateLabels)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => {
      const available = isPodAvailable(p, minReadySeconds, now);
      const ms = available ? undefined : msUntilAvailable(p, minReadySeconds, now);
      if (ms !== undefined) wait = Math.min(wait ?? ms, ms);
      return available;
    }).length,
    observedGeneration: rs.metadata.generation ?? 0,
  };
  const status = (rs.status ?? {}) as Record<string, unknown>;
  if (statusDiffers(status, next)) {
    const updated = clone(rs);
    updated.status = { ...status, ...next };
    replicaSets.observe(api.updateStatus(REPLICA_SETS, updated));
  }
  return wait;
}
