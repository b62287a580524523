import type { ContainerInfo } from '../runtime';
import { sandboxSpec } from './container-config';
import { ensureImage } from './images';
import { killContainer, killTarget } from './kill';
import type { Container } from './kube-types';
import { precreateContainers } from './precreate';
import { instancesOf } from './status';
import { graceSeconds, lookupImage, markCreating, reinspect, wakeIn, type Pass } from './sync-pass';

// The pod sandbox: a sleeping container that holds the pod's network (and
// IPC) namespace, so the pod IP outlives restarts of its containers.

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
    if (await lookupImage(pass, image)) present.push(image);
  }
  if (present.length > 0) return present;
  const first = containers[0] as Container;
  const outcome = await ensureImage(ctx.runtime, ctx.imageBackoff, first, rec.ref.uid, pass.nowMs, (image) =>
    lookupImage(pass, image),
  );
  if (outcome.ok) return [first.image];
  rec.waiting.set(first.name, outcome.waiting);
  if (outcome.retryInMs) wakeIn(pass, outcome.retryInMs);
  return [];
}

/** Creates and starts one sandbox; the pod's containers are created while it starts. */
async function runSandbox(pass: Pass, image: string, attempt: number): Promise<ContainerInfo> {
  const { ctx, rec } = pass;
  const id = await ctx.runtime.createSandbox(sandboxSpec(rec.pod, ctx.nodeName, image, attempt));
  const [started, precreated] = await Promise.allSettled([ctx.runtime.startSandbox(id), precreateContainers(pass, id)]);
  if (started.status === 'fulfilled') return started.value;
  // Containers made for a sandbox that never ran have no namespace to join.
  for (const containerId of precreated.status === 'fulfilled' ? precreated.value : []) {
    await ctx.runtime.removeContainer(containerId);
    rec.instances.delete(containerId);
  }
  throw started.reason;
}

/** The running sandbox of the pod, started anew when there is none; undefined while it cannot run. */
export async function ensureSandbox(pass: Pass): Promise<ContainerInfo | undefined> {
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
      info = await runSandbox(pass, image, attempt);
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
