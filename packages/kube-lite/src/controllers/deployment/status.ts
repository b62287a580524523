// Deployment status as `kubectl rollout status` reads it, with the
// Available and Progressing conditions.
import type { KubeObject } from '../api';
import { field } from '../util/objects';
import type { Condition } from '../util/pods';
import { withCondition } from '../util/pods';
import { replicasOf, statusCount } from './replicasets';

export interface DeploymentStatus {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions: Condition[];
  collisionCount?: number;
}

/** Progress made since the previous status, as Kubernetes judges it. */
function progressed(old: Partial<DeploymentStatus>, next: DeploymentStatus): boolean {
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = next.replicas - next.updatedReplicas;
  return (
    next.updatedReplicas > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    next.readyReplicas > (old.readyReplicas ?? 0) ||
    next.availableReplicas > (old.availableReplicas ?? 0)
  );
}

export function isComplete(
  d: KubeObject,
  s: Pick<DeploymentStatus, 'updatedReplicas' | 'replicas' | 'availableReplicas' | 'observedGeneration'>,
): boolean {
  const want = replicasOf(d);
  return (
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.availableReplicas === want &&
    s.observedGeneration >= (d.metadata.generation ?? 0)
  );
}

export interface StatusInput {
  all: KubeObject[];
  newRS: KubeObject | undefined;
  maxUnavailable: number;
  /** Set when this sync created the new ReplicaSet. */
  created: boolean;
  now: string;
  nowMs: number;
}

/** The next status; `deadlineMs` is when to look again for a rollout that may time out. */
export function computeStatus(d: KubeObject, input: StatusInput): { status: DeploymentStatus; deadlineMs?: number } {
  const { all, newRS, now } = input;
  const old = (d.status ?? {}) as Partial<DeploymentStatus>;
  const available = all.reduce((n, rs) => n + statusCount(rs, 'availableReplicas'), 0);
  const specTotal = all.reduce((n, rs) => n + replicasOf(rs), 0);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: all.reduce((n, rs) => n + statusCount(rs, 'replicas'), 0),
    updatedReplicas: newRS ? statusCount(newRS, 'replicas') : 0,
    readyReplicas: all.reduce((n, rs) => n + statusCount(rs, 'readyReplicas'), 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specTotal - available),
    conditions: old.conditions ?? [],
  };
  if (old.collisionCount !== undefined) status.collisionCount = old.collisionCount;
  const set = (c: Condition, touch = false): void => {
    const prior = status.conditions.find((o) => o.type === c.type);
    if (!touch && prior?.status === c.status && prior.reason === c.reason && prior.message === c.message) return;
    status.conditions = withCondition(status.conditions, c, now, 'lastUpdateTime');
  };
  set(
    available >= replicasOf(d) - input.maxUnavailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
  );
  const rsName = newRS?.metadata.name ?? d.metadata.name;
  const progressing = old.conditions?.find((c) => c.type === 'Progressing');
  if (field<boolean>(d, 'spec', 'paused')) {
    set({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    return { status };
  }
  if (input.created) {
    set(
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetCreated',
        message: `Created new replica set "${rsName}"`,
      },
      true,
    );
  } else if (isComplete(d, status)) {
    set({
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${rsName}" has successfully progressed.`,
    });
  } else if (progressed(old, status) || progressing === undefined || progressing.reason === 'NewReplicaSetAvailable') {
    set(
      {
        type: 'Progressing',
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${rsName}" is progressing.`,
      },
      true,
    );
  }
  const deadlineSeconds = field<number>(d, 'spec', 'progressDeadlineSeconds') ?? 600;
  const current = status.conditions.find((c) => c.type === 'Progressing');
  if (
    !isComplete(d, status) &&
    current &&
    current.reason !== 'NewReplicaSetAvailable' &&
    current.reason !== 'ProgressDeadlineExceeded'
  ) {
    const deadlineMs = Date.parse(current.lastUpdateTime ?? now) + deadlineSeconds * 1000;
    if (deadlineMs <= input.nowMs) {
      set({
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${rsName}" has timed out progressing.`,
      });
      return { status };
    }
    return { status, deadlineMs };
  }
  return { status };
}
