import { ContainerConfigError, InvalidPodSpecError } from '../errors';
import type { ContainerInfo, ContainerKind, ContainerRuntime, NodeResources } from '../runtime';
import { Backoff } from './backoff';
import { containerSpec, sandboxSpec, specHash } from './container-config';
import type { Resolve } from './env';
import { ensureImage } from './images';
import { killContainer, killTarget } from './kill';
import type { Container } from './kube-types';
import type { FilledPodManagerOptions } from './options';
import type { PodRecord } from './pod-record';
import { instancesOf } from './status';
import { setupVolumes } from './volumes';

// One reconcile pass of a pod, as kubelet's SyncPod: volumes, sandbox, init
// containers in order, then app containers, each started, restarted (with
// back-off) or replaced as the spec and restartPolicy say.

export interface SyncContext {
  runtime: ContainerRuntime;
  nodeName: string;
  resolve: Resolve;
  volumeDir: string;
  hostIP: string;
  node: NodeResources;
  sandboxImage?: string;
  crashBackoff: Backoff;
  imageBackoff: Backoff;
  now(): number;
  warn(message: string, fields: Record<string, unknown>): void;
}

export function syncContext(o: FilledPodManagerOptions): SyncContext {
  return {
    runtime: o.runtime,
    nodeName: o.nodeName,
    resolve: o.resolve,
    volumeDir: o.volumeDir,
    hostIP: o.hostIP,
    node: o.runtime.nodeResources(),
    ...(o.sandboxImage ? { sandboxImage: o.sandboxImage } : {}),
    crashBackoff: new Backoff(o.crashBackoffBaseMs, o.crashBackoffMaxMs),
    imageBackoff: new Backoff(o.imageBackoffBaseMs, o.imageBackoffMaxMs),
    now: () => o.clock.now(),
    warn: (message, fields) => o.log.warn(message, fields),
  };
}

interface Pass {
  ctx: SyncContext;
  rec: PodRecord;
  nowMs: number;
}

/** Go-style duration as kubelet prints it in back-off messages: 10s, 2m40s, 5m0s, 200ms. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

function wakeIn(pass: Pass, ms: number): void {
  const at = pass.nowMs + Math.max(1, ms);
  pass.rec.syncAtMs = Math.min(pass.rec.syncAtMs ?? Infinity, at);
}

function isConfigError(error: unknown): error is Error {
  return error instanceof ContainerConfigError || error instanceof InvalidPodSpecError;
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

async function reinspect(pass: Pass, id: string): Promise<void> {
  const info = await pass.ctx.runtime.inspectContainer(id);
  if (info) pass.rec.instances.set(id, info);
  else pass.rec.instances.delete(id);
}

function graceSeconds(rec: PodRecord, container?: Container): number {
  return container?.livenessProbe?.terminationGracePeriodSeconds ?? rec.pod.spec.terminationGracePeriodSeconds ?? 30;
}

function markCreating(rec: PodRecord, message: string): void {
  for (const c of [...(rec.pod.spec.initContainers ?? []), ...rec.pod.spec.containers]) {
    if (![...rec.instances.values()].some((i) => i.labels.containerName === c.name))
      rec.waiting.set(c.name, { reason: 'ContainerCreating', message });
  }
}

/**
 * Images to try for the sandbox, best first: the configured one, else every
 * image of the pod already on the node (one of them may lack `sleep`). When
 * none is present the first container's image is pulled (ErrImagePull shows).
 */
async function sandboxImages(pass: Pass): Promise<string[]> {
  const { ctx, rec } = pass;
  if (ctx.sandboxImage) return [ctx.sandboxImage];
  const containers = [...(rec.pod.spec.initContainers ?? []), ...rec.pod.spec.containers];
  const present: string[] = [];
  for (const image of new Set(containers.map((c) => c.image))) {
    if (await ctx.runtime.inspectImage(image)) present.push(image);
  }
  if (present.length > 0) return present;
  const first = containers[0] as Container;
  const outcome = await ensureImage(ctx.runtime, ctx.imageBackoff, first, rec.ref.uid, pass.nowMs);
  if (outcome.ok) return [first.image];
  rec.waiting.set(first.name, outcome.waiting);
  if (outcome.retryInMs) wakeIn(pass, outcome.retryInMs);
  return [];
}

async function ensureSandbox(pass: Pass): Promise<ContainerInfo | undefined> {
  const { ctx, rec } = pass;
  const [current, ...older] = instancesOf(rec.instances.values(), '', 'sandbox');
  if (current?.state.status === 'running') return current;
  if (current) {
    // The network namespace is gone: kubelet kills the pod's containers and starts over.
    for (const inst of [...rec.instances.values()]) {
      if (inst.labels.kind !== 'sandbox' && inst.state.status === 'running') {
        await killContainer(killTarget(ctx.runtime, rec, inst), graceSeconds(rec), ctx.warn);
        await reinspect(pass, inst.id);
      }
    }
  }
  const images = await sandboxImages(pass);
  if (images.length === 0) return undefined;
  const attempt = (current?.labels.restartCount ?? -1) + 1;
  let info: ContainerInfo | undefined;
  let failure = '';
  for (const image of images) {
    try {
      info = await ctx.runtime.runSandbox(sandboxSpec(rec.pod, ctx.nodeName, image, attempt));
      break;
    } catch (error) {
      failure = (error as Error).message;
    }
  }
  if (!info) {
    markCreating(rec, `Failed to create pod sandbox: ${failure}`);
    ctx.crashBackoff.next(`${rec.ref.uid}/sandbox`, pass.nowMs);
    wakeIn(pass, ctx.crashBackoff.delayMs(`${rec.ref.uid}/sandbox`));
    return undefined;
  }
  rec.instances.set(info.id, info);
  for (const old of [current, ...older]) {
    if (!old) continue;
    await ctx.runtime.removeContainer(old.id);
    rec.instances.delete(old.id);
  }
  return info;
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
  const image = await ensureImage(ctx.runtime, ctx.imageBackoff, c, rec.ref.uid, pass.nowMs);
  if (!image.ok) {
    rec.waiting.set(c.name, image.waiting);
    if (image.retryInMs) wakeIn(pass, image.retryInMs);
    return;
  }
  let id: string;
  try {
    const spec = await containerSpec({
      pod: rec.pod,
      container: c,
      kind,
      field,
      nodeName: ctx.nodeName,
      restartCount,
      sandboxId: sandbox.id,
      podIP: rec.podIP ?? '',
      hostIP: ctx.hostIP,
      node: ctx.node,
      resolve: ctx.resolve,
      volumeDir: ctx.volumeDir,
    });
    id = await ctx.runtime.createContainer(spec);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    rec.waiting.set(c.name, { reason: 'CreateContainerConfigError', message: error.message });
    return;
  }
  rec.waiting.delete(c.name);
  try {
    await ctx.runtime.startContainer(id);
  } catch (error) {
    // The engine keeps the failure in the container's state (StartError); back-off follows.
    ctx.warn('container start failed', { pod: rec.ref.name, container: c.name, error: (error as Error).message });
  }
  await reinspect(pass, id);
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
    await ctx.runtime.startContainer(latest.id);
    await reinspect(pass, latest.id);
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
  const pass: Pass = { ctx, rec, nowMs: ctx.now() };
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
