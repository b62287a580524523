// Pod state as the controllers judge it.
import type { KubeObject } from '../api';
import { field, list } from './objects';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export const conditionsOf = (object: KubeObject): Condition[] => list<Condition>(field(object, 'status', 'conditions'));

export const findCondition = (object: KubeObject, type: string): Condition | undefined =>
  conditionsOf(object).find((c) => c.type === type);

export const podPhase = (pod: KubeObject): string => field<string>(pod, 'status', 'phase') ?? 'Pending';

export const podNodeName = (pod: KubeObject): string | undefined => field<string>(pod, 'spec', 'nodeName') || undefined;

/** Counted by controllers: not being deleted and not finished. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

export const isPodReady = (pod: KubeObject): boolean => findCondition(pod, 'Ready')?.status === 'True';

/** Ready for at least minReadySeconds at `nowMs`. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const ready = findCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
  return since + minReadySeconds * 1000 <= nowMs;
}

/** Milliseconds until a ready pod becomes available, or undefined when that is not pending. */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): number | undefined {
  const ready = findCondition(pod, 'Ready');
  if (ready?.status !== 'True' || minReadySeconds <= 0 || !ready.lastTransitionTime) return undefined;
  const due = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000;
  return due > nowMs ? due - nowMs + 10 : undefined;
}

/** Sets a condition, keeping lastTransitionTime when the status does not change. */
export function withCondition(
  conditions: Condition[],
  next: Condition,
  now: string,
  timeField: 'lastUpdateTime' | 'none' = 'none',
): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const merged: Condition = {
    ...next,
    lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : now,
  };
  if (timeField === 'lastUpdateTime') merged.lastUpdateTime = now;
  return old ? conditions.map((c) => (c.type === next.type ? merged : c)) : [...conditions, merged];
}
