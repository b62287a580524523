import { ContainerConfigError, InvalidPodSpecError } from '../errors';
import type { ContainerKind, ContainerRuntime, ImageInfo, NodeResources } from '../runtime';
import { Backoff } from './backoff';
import { containerSpec } from './container-config';
import type { Resolve } from './env';
import type { Container } from './kube-types';
import type { FilledPodManagerOptions } from './options';
import type { PodRecord } from './pod-record';

// What one reconcile pass of a pod works with, and the small steps its
// parts (sandbox, containers) share.

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

export interface Pass {
  ctx: SyncContext;
  rec: PodRecord;
  nowMs: number;
  /** Image lookups of this pass: the sandbox and the containers ask about the same images. */
  images: Map<string, Promise<ImageInfo | undefined>>;
}

export function newPass(ctx: SyncContext, rec: PodRecord): Pass {
  return { ctx, rec, nowMs: ctx.now(), images: new Map() };
}

/** The local image, looked up at most once per pass. */
export function lookupImage(pass: Pass, image: string): Promise<ImageInfo | undefined> {
  let found = pass.images.get(image);
  if (!found) {
    found = pass.ctx.runtime.inspectImage(image);
    pass.images.set(image, found);
    // Only presence is remembered: an absent image may be pulled later in the pass.
    const forget = (): void => void pass.images.delete(image);
    found.then((info) => (info ? undefined : forget()), forget);
  }
  return found;
}

export function wakeIn(pass: Pass, ms: number): void {
  const at = pass.nowMs + Math.max(1, ms);
  pass.rec.syncAtMs = Math.min(pass.rec.syncAtMs ?? Infinity, at);
}

export function isConfigError(error: unknown): error is Error {
  return error instanceof ContainerConfigError || error instanceof InvalidPodSpecError;
}

export async function reinspect(pass: Pass, id: string): Promise<void> {
  const info = await pass.ctx.runtime.inspectContainer(id);
  if (info) pass.rec.instances.set(id, info);
  else pass.rec.instances.delete(id);
}

export function graceSeconds(rec: PodRecord, container?: Container): number {
  return container?.livenessProbe?.terminationGracePeriodSeconds ?? rec.pod.spec.terminationGracePeriodSeconds ?? 30;
}

export function markCreating(rec: PodRecord, message: string): void {
  for (const c of [...(rec.pod.spec.initContainers ?? []), ...rec.pod.spec.containers]) {
    if (![...rec.instances.values()].some((i) => i.labels.containerName === c.name))
      rec.waiting.set(c.name, { reason: 'ContainerCreating', message });
  }
}

/** Builds the engine spec of a container and creates it (not started). Throws config errors as they are. */
export async function createFor(
  pass: Pass,
  c: Container,
  kind: ContainerKind,
  field: string,
  restartCount: number,
  sandboxId: string,
): Promise<string> {
  const { ctx, rec } = pass;
  const spec = await containerSpec({
    pod: rec.pod,
    container: c,
    kind,
    field,
    nodeName: ctx.nodeName,
    restartCount,
    sandboxId,
    podIP: rec.podIP ?? '',
    hostIP: ctx.hostIP,
    node: ctx.node,
    resolve: ctx.resolve,
    volumeDir: ctx.volumeDir,
  });
  return ctx.runtime.createContainer(spec);
}

/** Starts a created container and reads its state back; a failed start stays in that state (StartError). */
export async function startCreated(pass: Pass, c: Container, id: string): Promise<void> {
  try {
    await pass.ctx.runtime.startContainer(id);
  } catch (error) {
    // The engine keeps the failure in the container's state (StartError); back-off follows.
    pass.ctx.warn('container start failed', {
      pod: pass.rec.ref.name,
      container: c.name,
      error: (error as Error).message,
    });
  }
  await reinspect(pass, id);
}
