import type { ContainerInfo } from '../runtime';
import type { ConditionType, ContainerStateWaiting, Pod, PodCondition, PodRef, PodStatus } from './kube-types';
import type { ContainerProbes } from './prober';
import { kubeTime } from './status';

/** What the pod manager knows about one pod between syncs. */
export interface PodRecord {
  pod: Pod;
  ref: PodRef;
  /** Containers of the pod as last inspected, sandbox included, by id. */
  instances: Map<string, ContainerInfo>;
  /** Containers an engine event named since the last refresh: re-inspected, since listings can lag events. */
  stale: Set<string>;
  /** Why a container is not running, by container name. */
  waiting: Map<string, ContainerStateWaiting>;
  /** Probe state of running app containers, by container id. */
  probes: Map<string, ContainerProbes>;
  /** Readiness reported before (pod.status), by container id: kept across an edgecore restart. */
  seededReady: Set<string>;
  conditions: Map<ConditionType, PodCondition>;
  startTime?: string;
  podIP?: string;
  /** Phase reached Succeeded or Failed: nothing is started again. */
  terminal: boolean;
  deleting: boolean;
  /** Volumes written for this spec; false forces a rewrite. */
  volumesReady: boolean;
  /** When a sync is due (back-off expiry); undefined when none is scheduled. */
  syncAtMs?: number;
  syncing?: Promise<void>;
  dirty: boolean;
  lastStatus?: PodStatus;
  lastStatusJson?: string;
}

export function podRef(pod: Pod): PodRef {
  return { uid: pod.metadata.uid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name };
}

/** A new record, seeded from the status the pod carried (as stored before an edgecore restart). */
export function newRecord(pod: Pod): PodRecord {
  const status = pod.status ?? {};
  return {
    pod,
    ref: podRef(pod),
    instances: new Map(),
    stale: new Set(),
    waiting: new Map(),
    probes: new Map(),
    seededReady: new Set(
      [...(status.containerStatuses ?? [])]
        .filter((s) => s.ready && s.containerID)
        .map((s) => (s.containerID as string).replace(/^[a-z]+:\/\//, '')),
    ),
    conditions: new Map((status.conditions ?? []).map((c) => [c.type, c])),
    ...(status.startTime ? { startTime: status.startTime } : {}),
    ...(status.podIP ? { podIP: status.podIP } : {}),
    terminal: false,
    deleting: false,
    volumesReady: false,
    dirty: false,
  };
}

/** Without a stored status, the oldest container (usually the sandbox) dates the pod's start. */
export function oldestContainerTime(rec: PodRecord): string | undefined {
  let oldest: string | undefined;
  for (const i of rec.instances.values()) if (oldest === undefined || i.createdAt < oldest) oldest = i.createdAt;
  return oldest ? kubeTime(oldest) : undefined;
}
