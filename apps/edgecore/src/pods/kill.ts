import type { ContainerInfo, ContainerRuntime } from '../runtime';
import type { Container } from './kube-types';
import type { PodRecord } from './pod-record';
import { runHandler } from './probe-run';

export interface KillTarget {
  runtime: ContainerRuntime;
  containerId: string;
  /** The container's spec, when known (orphans have none): its preStop hook runs first. */
  container?: Container;
  podIP: string;
}

/** The kill target of one of the pod's containers, with its spec looked up by the name on its labels. */
export function killTarget(
  runtime: ContainerRuntime,
  rec: PodRecord,
  inst: { id: string; labels: ContainerInfo['labels'] },
): KillTarget {
  const specs = inst.labels.kind === 'init' ? (rec.pod.spec.initContainers ?? []) : rec.pod.spec.containers;
  const container = specs.find((c) => c.name === inst.labels.containerName);
  return { runtime, containerId: inst.id, ...(container ? { container } : {}), podIP: rec.podIP ?? '127.0.0.1' };
}

/** Seconds kubelet still grants after a preStop hook that used up the grace period. */
const MIN_GRACE_AFTER_HOOK_SECONDS = 2;

/**
 * Stops a container the Kubernetes way: the preStop hook runs within the
 * grace period, then SIGTERM, then SIGKILL when the rest of the period ends.
 */
export async function killContainer(
  target: KillTarget,
  graceSeconds: number,
  warn: (message: string, fields: Record<string, unknown>) => void,
): Promise<void> {
  const hook = target.container?.lifecycle?.preStop;
  let remaining = graceSeconds;
  if (hook && graceSeconds > 0) {
    const started = Date.now();
    const container = target.container as Container;
    const outcome = await runHandler(hook, { ...target, container }, graceSeconds * 1000);
    if (!outcome.ok) warn('preStop hook failed', { container: container.name, reason: outcome.message });
    remaining = Math.max(MIN_GRACE_AFTER_HOOK_SECONDS, graceSeconds - Math.ceil((Date.now() - started) / 1000));
  }
  await target.runtime.stopContainer(target.containerId, remaining);
}
