// The arithmetic of a rolling update, with Kubernetes' rounding: surge
// rounds up, unavailable rounds down, and both zero means one unavailable.
import type { KubeObject } from '../api';
import { resolveIntOrPercent } from '../util/int-or-percent';
import { byCreation, replicasOf, statusCount } from './replicasets';
import { field } from '../util/objects';

export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

export const isRecreate = (d: KubeObject): boolean => field<string>(d, 'spec', 'strategy', 'type') === 'Recreate';

export function fenceposts(d: KubeObject): Fenceposts {
  if (isRecreate(d)) return { maxSurge: 0, maxUnavailable: 0 };
  const replicas = replicasOf(d);
  const rolling = field<Record<string, unknown>>(d, 'spec', 'strategy', 'rollingUpdate') ?? {};
  const maxSurge = resolveIntOrPercent('spec.strategy.rollingUpdate.maxSurge', rolling.maxSurge, '25%', replicas, true);
  let maxUnavailable = resolveIntOrPercent(
    'spec.strategy.rollingUpdate.maxUnavailable',
    rolling.maxUnavailable,
    '25%',
    replicas,
    false,
  );
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

const sumReplicas = (rss: KubeObject[]): number => rss.reduce((n, rs) => n + replicasOf(rs), 0);

/** Replicas the new ReplicaSet may have now without exceeding replicas + maxSurge pods. */
export function newReplicaSetReplicas(d: KubeObject, all: KubeObject[], newReplicas: number, f: Fenceposts): number {
  if (isRecreate(d)) return replicasOf(d);
  const maxTotal = replicasOf(d) + f.maxSurge;
  const current = sumReplicas(all);
  if (current >= maxTotal) return newReplicas;
  return newReplicas + Math.max(0, Math.min(maxTotal - current, replicasOf(d) - newReplicas));
}

/**
 * How far each old ReplicaSet may shrink while keeping replicas -
 * maxUnavailable pods available: first the unavailable pods of old sets,
 * then available ones, oldest set first. Returns new replica counts by name.
 */
export function oldReplicaSetTargets(
  d: KubeObject,
  all: KubeObject[],
  oldActive: KubeObject[],
  newRS: KubeObject | undefined,
  f: Fenceposts,
): Map<string, number> {
  const targets = new Map<string, number>();
  if (sumReplicas(oldActive) === 0) return targets;
  const minAvailable = replicasOf(d) - f.maxUnavailable;
  const newUnavailable = newRS ? Math.max(0, replicasOf(newRS) - statusCount(newRS, 'availableReplicas')) : 0;
  let budget = sumReplicas(all) - minAvailable - newUnavailable;
  if (budget <= 0) return targets;
  const sorted = [...oldActive].sort(byCreation);
  const replicas = new Map(sorted.map((rs) => [rs.metadata.name, replicasOf(rs)] as const));
  for (const rs of sorted) {
    const current = replicas.get(rs.metadata.name) ?? 0;
    const unhealthy = Math.max(0, current - statusCount(rs, 'availableReplicas'));
    const cut = Math.min(budget, unhealthy);
    if (cut <= 0) continue;
    replicas.set(rs.metadata.name, current - cut);
    budget -= cut;
  }
  const available = all.reduce((n, rs) => n + statusCount(rs, 'availableReplicas'), 0);
  let scaleDown = available - minAvailable;
  for (const rs of sorted) {
    if (scaleDown <= 0) break;
    const current = replicas.get(rs.metadata.name) ?? 0;
    const cut = Math.min(current, scaleDown);
    if (cut === 0) continue;
    replicas.set(rs.metadata.name, current - cut);
    scaleDown -= cut;
  }
  for (const rs of sorted) {
    const next = replicas.get(rs.metadata.name) ?? 0;
    if (next !== replicasOf(rs)) targets.set(rs.metadata.name, next);
  }
  return targets;
}
