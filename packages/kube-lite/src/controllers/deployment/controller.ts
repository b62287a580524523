// Deployment controller: rolls a Deployment's pod template out through
// ReplicaSets named `<deployment>-<pod-template-hash>`, RollingUpdate or
// Recreate, and keeps the status `kubectl rollout status` reads.
import type { Controller, KubeObject } from '../api';
import { InvalidIntOrPercentError } from '../errors';
import { ORPHAN_INDEX, adoptOrphans, orphanLabels } from '../runtime/adopt';
import { ignoreNotFound } from '../runtime/api-errors';
import { defineController, enqueueOnOwnChange } from '../runtime/controller';
import type { Informer } from '../runtime/informer';
import type { SyncResult } from '../runtime/queue';
import { DEPLOYMENTS, PODS, REPLICA_SETS } from '../runtime/resources';
import {
  byControllerUid,
  clone,
  controllerRef,
  field,
  isDeleting,
  keyOf,
  nowIso,
  objectKey,
  statusDiffers,
} from '../util/objects';
import { podPhase } from '../util/pods';
import { CONTROLLER_UID_INDEX } from '../replicaset/controller';
import type { ReplicaSetWriter } from './replicasets';
import {
  REVISION,
  createNewReplicaSet,
  replicasOf,
  revisionOf,
  scaleReplicaSet,
  splitReplicaSets,
  statusCount,
} from './replicasets';
import type { Fenceposts } from './strategy';
import { fenceposts, isRecreate, newReplicaSetReplicas, oldReplicaSetTargets } from './strategy';
import { computeStatus, isComplete } from './status';

interface Ctx extends ReplicaSetWriter {
  deployments: Informer;
  pods: Informer;
}

export function deploymentController(): Controller {
  return defineController('deployment', (api, informers, queue) => {
    const deployments = informers.informer(DEPLOYMENTS);
    const replicaSets = informers.informer(REPLICA_SETS);
    const pods = informers.informer(PODS);
    replicaSets.addIndex(CONTROLLER_UID_INDEX, byControllerUid);
    replicaSets.addIndex(ORPHAN_INDEX, orphanLabels);
    pods.addIndex(CONTROLLER_UID_INDEX, byControllerUid);
    const ownerKey = (object: KubeObject, kind: string): string | undefined => {
      const ref = controllerRef(object);
      return ref?.kind === kind ? objectKey(object.metadata.namespace, ref.name) : undefined;
    };
    const onReplicaSet = (_t: string, rs: KubeObject): void => {
      const key = ownerKey(rs, 'Deployment');
      if (key) queue.add(key);
    };
    // Only Recreate waits on pods: it starts the new pods once the old ones are gone.
    const onPod = (type: string, pod: KubeObject): void => {
      if (type !== 'DELETED' && podPhase(pod) !== 'Succeeded' && podPhase(pod) !== 'Failed') return;
      const rsKey = ownerKey(pod, 'ReplicaSet');
      const rs = rsKey ? replicaSets.getByKey(rsKey) : undefined;
      const key = rs ? ownerKey(rs, 'Deployment') : undefined;
      if (key) queue.add(key);
    };
    const ctx: Ctx = { api, deployments, replicaSets, pods };
    return {
      subscriptions: [
        deployments.subscribe(enqueueOnOwnChange(queue, keyOf)),
        replicaSets.subscribe(onReplicaSet),
        pods.subscribe(onPod),
      ],
      initialKeys: [...deployments.list()].map(keyOf),
      sync: (key) => syncDeployment(ctx, key),
    };
  });
}

function syncDeployment(ctx: Ctx, key: string): SyncResult {
  const d = ctx.deployments.getByKey(key);
  if (!d?.metadata.uid) return;
  let f: Fenceposts;
  try {
    f = fenceposts(d);
  } catch (err) {
    if (!(err instanceof InvalidIntOrPercentError)) throw err;
    ctx.api.recordEvent(d, 'Warning', 'InvalidStrategy', err.message);
    return;
  }
  adoptOrphans(ctx.api, ctx.replicaSets, d);
  const owned = ctx.replicaSets
    .byIndex(CONTROLLER_UID_INDEX, d.metadata.uid)
    .filter((rs) => rs.metadata.namespace === d.metadata.namespace);
  let created = false;
  if (!isDeleting(d) && !field<boolean>(d, 'spec', 'paused')) {
    created = rollout(ctx, d, owned, f);
  } else if (!isDeleting(d)) {
    scalePaused(ctx, d, owned, f);
  }
  const fresh = ctx.replicaSets
    .byIndex(CONTROLLER_UID_INDEX, d.metadata.uid)
    .filter((rs) => rs.metadata.namespace === d.metadata.namespace);
  const { newRS } = splitReplicaSets(d, fresh);
  return writeStatus(ctx, d, fresh, newRS, f, created);
}

/** One step of the rollout; returns true when it created the new ReplicaSet. */
function rollout(ctx: Ctx, d: KubeObject, owned: KubeObject[], f: Fenceposts): boolean {
  const split = splitReplicaSets(d, owned);
  let newRS = split.newRS;
  const { oldRSs } = split;
  const maxOldRevision = oldRSs.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
  const recreate = isRecreate(d);
  const activeOld = oldRSs.filter((rs) => replicasOf(rs) > 0);
  if (recreate && activeOld.length > 0) {
    for (const rs of activeOld) scaleReplicaSet(ctx, rs, d, 0, f.maxSurge);
    return false;
  }
  if (recreate && oldPodsRunning(ctx, oldRSs)) return false;
  let created = false;
  if (!newRS) {
    const replicas = newReplicaSetReplicas(d, owned, 0, f);
    newRS = createNewReplicaSet(ctx, d, replicas, maxOldRevision + 1, f.maxSurge);
    created = true;
    ctx.api.recordEvent(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled up replica set ${newRS.metadata.name} from 0 to ${replicas}`,
    );
  } else {
    // A rollback reuses an old ReplicaSet: it becomes the newest revision again.
    const revision = revisionOf(newRS) <= maxOldRevision ? maxOldRevision + 1 : undefined;
    const all = [...oldRSs, newRS];
    const target = Math.min(newReplicaSetReplicas(d, all, replicasOf(newRS), f), replicasOf(d));
    newRS = scaleReplicaSet(ctx, newRS, d, target, f.maxSurge, revision);
  }
  syncRevisionAnnotation(ctx, d, newRS);
  if (!recreate) {
    const all = [...oldRSs, newRS];
    const targets = oldReplicaSetTargets(
      d,
      all,
      oldRSs.filter((rs) => replicasOf(rs) > 0),
      newRS,
      f,
    );
    for (const rs of oldRSs) {
      const target = targets.get(rs.metadata.name);
      if (target !== undefined) scaleReplicaSet(ctx, rs, d, target, f.maxSurge);
    }
  }
  if (statusCount(newRS, 'availableReplicas') === replicasOf(d) && replicasOf(newRS) === replicasOf(d))
    cleanupHistory(ctx, d, oldRSs);
  return created;
}

/** A paused Deployment still scales: its newest active ReplicaSet follows spec.replicas. */
function scalePaused(ctx: Ctx, d: KubeObject, owned: KubeObject[], f: Fenceposts): void {
  const active = owned.filter((rs) => replicasOf(rs) > 0);
  const { newRS } = splitReplicaSets(d, owned);
  const target = active.length === 1 ? active[0] : active.length === 0 ? newRS : undefined;
  if (target) scaleReplicaSet(ctx, target, d, replicasOf(d), f.maxSurge);
}

function oldPodsRunning(ctx: Ctx, oldRSs: KubeObject[]): boolean {
  return oldRSs.some((rs) =>
    ctx.pods
      .byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '')
      .some((p) => podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed'),
  );
}

function syncRevisionAnnotation(ctx: Ctx, d: KubeObject, newRS: KubeObject): void {
  const revision = newRS.metadata.annotations?.[REVISION];
  if (!revision || d.metadata.annotations?.[REVISION] === revision) return;
  const updated = clone(d);
  updated.metadata.annotations = { ...updated.metadata.annotations, [REVISION]: revision };
  ctx.deployments.observe(ctx.api.update(DEPLOYMENTS, updated));
}

/** Deletes the oldest scaled-down ReplicaSets beyond spec.revisionHistoryLimit (default 10). */
function cleanupHistory(ctx: Ctx, d: KubeObject, oldRSs: KubeObject[]): void {
  const limit = field<number>(d, 'spec', 'revisionHistoryLimit') ?? 10;
  const idle = oldRSs
    .filter((rs) => replicasOf(rs) === 0 && statusCount(rs, 'replicas') === 0 && !isDeleting(rs))
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    ignoreNotFound(() =>
      ctx.api.delete(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name, {
        uid: rs.metadata.uid,
        propagationPolicy: 'Background',
      }),
    );
  }
}

function writeStatus(
  ctx: Ctx,
  d: KubeObject,
  all: KubeObject[],
  newRS: KubeObject | undefined,
  f: Fenceposts,
  created: boolean,
): SyncResult {
  const current = ctx.deployments.getByKey(keyOf(d)) ?? d;
  const nowMs = Date.now();
  const { status, deadlineMs } = computeStatus(current, {
    all,
    newRS,
    maxUnavailable: f.maxUnavailable,
    created,
    now: nowIso(),
    nowMs,
  });
  if (statusDiffers(current.status, { ...status })) {
    const updated = clone(current);
    updated.status = status;
    ctx.deployments.observe(ctx.api.updateStatus(DEPLOYMENTS, updated));
  }
  if (isComplete(current, status) || deadlineMs === undefined) return;
  return { requeueAfterMs: Math.max(1, deadlineMs - nowMs + 10) };
}
