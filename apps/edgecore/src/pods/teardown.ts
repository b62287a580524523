import type { PodRef } from './kube-types';
import type { PodRecord } from './pod-record';
import { killContainer, killTarget } from './kill';
import type { SyncContext } from './pod-sync';
import { removePodDir } from './volumes';

/**
 * Deletes a pod from the node: its workloads run their preStop hooks, get
 * SIGTERM, and SIGKILL once graceSeconds (default the pod's
 * terminationGracePeriodSeconds, else 30) are over; then every container,
 * the sandbox and the volume directory go. Works from
 * labels alone, so it also clears pods this process never knew (orphans).
 * Returns the pod's reference, or undefined when nothing of it existed.
 */
export async function teardownPod(
  ctx: SyncContext,
  uid: string,
  rec: PodRecord | undefined,
  graceSeconds?: number,
): Promise<PodRef | undefined> {
  const { runtime, nodeName, volumeDir } = ctx;
  const containers = await runtime.listContainers({ nodeName, podUid: uid });
  const grace = graceSeconds ?? rec?.pod.spec.terminationGracePeriodSeconds ?? 30;
  const workloads = containers.filter((c) => c.labels.kind !== 'sandbox' && c.status === 'running');
  await Promise.all(
    workloads.map((c) =>
      rec ? killContainer(killTarget(runtime, rec, c), grace, ctx.warn) : runtime.stopContainer(c.id, grace),
    ),
  );
  await Promise.all(containers.map((c) => runtime.removeContainer(c.id)));
  await removePodDir(volumeDir, uid);
  ctx.crashBackoff.forget(`${uid}/`);
  ctx.imageBackoff.forget(`${uid}/`);
  const labels = containers[0]?.labels;
  return rec?.ref ?? (labels ? { uid, namespace: labels.podNamespace, name: labels.podName } : undefined);
}

/** A finished pod keeps its containers (for status) but not its sandbox. */
export async function stopSandbox(ctx: SyncContext, rec: PodRecord): Promise<void> {
  for (const inst of [...rec.instances.values()]) {
    if (inst.labels.kind !== 'sandbox' || inst.state.status !== 'running') continue;
    await ctx.runtime.stopContainer(inst.id, 0);
    const info = await ctx.runtime.inspectContainer(inst.id);
    if (info) rec.instances.set(info.id, info);
  }
}
