import type { ContainerInfo, ContainerKind } from '../runtime';
import { specHash } from './container-config';
import { ensureImage } from './images';
import { killContainer, killTarget } from './kill';
import type { Container } from './kube-types';
import type { PodRecord } from './pod-record';
import { ensureSandbox } from './sandbox';
import { instancesOf } from './status';
import {
  createFor,
  graceSeconds,
  isConfigError,
  lookupImage,
  markCreating,
  newPass,
  reinspect,
  startCreated,
  wakeIn,
  type Pass,
  type SyncContext,
} from './sync-pass';
import { setupVolumes } from './volumes';

export { syncContext, type SyncContext } from './sync-pass';

// One reconcile pass of a pod, as kubelet's SyncPod: volumes, sandbox, init
// containers in order, then app containers, each started, restarted (with
// back-off) or replaced as the spec and restartPolicy say.

/** Go-style duration as kubelet prints it in back-off messages: 10s, 2m40s, 5m0s, 200ms. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** Engine state, re-read for containers whose listed state differs from what is cached. */
export async function refresh(ctx: SyncContext, rec: PodRecord): Promise<void> {
  const summaries = await ctx.runtime.listContainers({ nodeName: ctx.nodeName, podUid: rec.ref.uid });
  const seen = new Set<string>();
  const stale = new Set(rec.stale);
  rec.stale.clear();
  for (const summary of summaries) {
    seen.add(summary.id);
    if (!stale.has(summary.id) && rec.instances.get(summary.id)?.state.status === summary.status) continue;
    const info = await ctx.runtime.inspectContainer(summary.id);
    if (info) rec.instances.set(info.id, info);
  }
  for (const id of rec.instances.keys()) if (!seen.has(id)) rec.instances.delete(id);
}

async function startNew(
  pass: Pass,
  c: Container,
  kind: ContainerKind,
  field: string,
  restartCount: number,
  sandbox: ContainerInfo,
): Promise<void> {
  const { ctx, rec } = pass;
  const image = await ensureImage(ctx.runtime, ctx.imageBackoff, c, rec.ref.uid, pass.nowMs, (name) =>
    lookupImage(pass, name),
  );
  if (!image.ok) {
    rec.waiting.set(c.name, image.waiting);
    if (image.retryInMs) wakeIn(pass, image.retryInMs);
    return;
  }
  let id: string;
  try {
    id = await createFor(pass, c, kind, field, restartCount, sandbox.id);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    rec.waiting.set(c.name, { reason: 'CreateContainerConfigError', message: error.message });
    return;
  }
  rec.waiting.delete(c.name);
  await startCreated(pass, c, id);
}

/** Returns true when the (init) container has completed successfully. */
async function stepContainer(
  pass: Pass,
  c: Container,
  kind: ContainerKind,
  field: string,
  sandbox: ContainerInfo,
): Promise<boolean> {
  const { ctx, rec } = pass;
  let [latest, ...older] = instancesOf(rec.instances.values(), c.name, kind);
  if (!latest) {
    await startNew(pass, c, kind, field, 0, sandbox);
    return false;
  }
  const replace = latest.labels.specHash !== specHash(c);
  if (latest.state.status === 'running') {
    const probes = rec.probes.get(latest.id);
    if (!replace && !probes?.failed) return false;
    ctx.warn(replace ? 'container spec changed, replacing it' : 'container failed its probe, restarting it', {
      pod: rec.ref.name,
      container: c.name,
      reason: probes?.failureMessage,
    });
    await killContainer(killTarget(ctx.runtime, rec, latest), graceSeconds(rec, c), ctx.warn);
    rec.probes.delete(latest.id);
    await reinspect(pass, latest.id);
    [latest, ...older] = instancesOf(rec.instances.values(), c.name, kind);
    if (!latest || latest.state.status === 'running') return false;
  }
  if (latest.state.status === 'created' && !latest.state.error) {
    // Created while the sandbox started, or by an edgecore stopped before starting it.
    await startCreated(pass, c, latest.id);
    return false;
  }
  const failed = latest.state.exitCode !== 0 || Boolean(latest.state.error);
  if (kind === 'init' && !failed && !replace) return true;
  const policy = rec.pod.spec.restartPolicy ?? 'Always';
  const restart =
    replace || (kind === 'init' ? policy !== 'Never' : policy === 'Always' || (policy === 'OnFailure' && failed));
  if (!restart) {
    rec.waiting.delete(c.name);
    return false;
  }
  const key = `${rec.ref.uid}/${kind}/${c.name}`;
  const failedAtMs = Date.parse(latest.state.finishedAt ?? latest.createdAt);
  const remaining = replace ? 0 : ctx.crashBackoff.remainingMs(key, failedAtMs, pass.nowMs);
  if (remaining > 0) {
    const { name, namespace, uid } = rec.ref;
    const delay = formatDuration(ctx.crashBackoff.delayMs(key));
    rec.waiting.set(c.name, {
      reason: 'CrashLoopBackOff',
      message: `back-off ${delay} restarting failed container=${c.name} pod=${name}_${namespace}(${uid})`,
    });
    wakeIn(pass, remaining);
    return false;
  }
  if (!replace) ctx.crashBackoff.next(key, failedAtMs);
  // Keep only the last instance: it is the container's lastState.
  for (const old of older) {
    await ctx.runtime.removeContainer(old.id);
    rec.instances.delete(old.id);
  }
  await startNew(pass, c, kind, field, latest.labels.restartCount + 1, sandbox);
  return false;
}

/** One reconcile pass; leaves rec.syncAtMs set when a back-off expiry needs another pass. */
export async function reconcile(ctx: SyncContext, rec: PodRecord): Promise<void> {
  const pass = newPass(ctx, rec);
  rec.syncAtMs = undefined;
  if (!rec.volumesReady) {
    try {
      await setupVolumes(rec.pod, ctx.volumeDir, ctx.resolve);
      rec.volumesReady = true;
    } catch (error) {
      if (!isConfigError(error)) throw error;
      markCreating(rec, `MountVolume.SetUp failed: ${error.message}`);
      return;
    }
  }
  const sandbox = await ensureSandbox(pass);
  if (!sandbox) return;
  rec.podIP = rec.pod.spec.hostNetwork ? ctx.hostIP : (sandbox.ip ?? rec.podIP);
  for (const [i, c] of (rec.pod.spec.initContainers ?? []).entries()) {
    if (!(await stepContainer(pass, c, 'init', `spec.initContainers[${i}]`, sandbox))) return;
  }
  for (const [i, c] of rec.pod.spec.containers.entries()) {
    await stepContainer(pass, c, 'app', `spec.containers[${i}]`, sandbox);
  }
}
