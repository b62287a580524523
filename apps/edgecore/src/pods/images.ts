import type { ContainerRuntime, ImageInfo } from '../runtime';
import type { Backoff } from './backoff';
import type { Container, ContainerStateWaiting } from './kube-types';

// Image presence per imagePullPolicy, with kubelet's pull back-off:
// a failed pull shows ErrImagePull, the wait before the next try ImagePullBackOff.

export type ImageOutcome =
  { ok: true; image: ImageInfo } | { ok: false; waiting: ContainerStateWaiting; retryInMs?: number };

/** Kubernetes default: Always for `:latest` or untagged images, IfNotPresent otherwise. */
export function pullPolicy(container: Container): NonNullable<Container['imagePullPolicy']> {
  if (container.imagePullPolicy) return container.imagePullPolicy;
  const image = container.image;
  if (image.includes('@')) return 'IfNotPresent';
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export async function ensureImage(
  runtime: ContainerRuntime,
  backoff: Backoff,
  container: Container,
  podUid: string,
  nowMs: number,
  /** How to look the image up locally; a sync pass passes one that remembers answers. */
  lookup: (image: string) => Promise<ImageInfo | undefined> = (image) => runtime.inspectImage(image),
): Promise<ImageOutcome> {
  const policy = pullPolicy(container);
  const image = container.image;
  if (policy !== 'Always') {
    const present = await lookup(image);
    if (present) return { ok: true, image: present };
    if (policy === 'Never') {
      return {
        ok: false,
        waiting: {
          reason: 'ErrImageNeverPull',
          message: `Container image "${image}" is not present with pull policy of Never`,
        },
      };
    }
  }
  const key = `${podUid}/${image}`;
  const waitMs = backoff.remainingSinceLastMs(key, nowMs);
  if (waitMs > 0)
    return {
      ok: false,
      waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` },
      retryInMs: waitMs,
    };
  try {
    const pulled = await runtime.pullImage(image);
    backoff.reset(key);
    return { ok: true, image: pulled };
  } catch (error) {
    backoff.next(key, nowMs);
    // Look again halfway through the wait, so the status moves on to ImagePullBackOff as kubelet's does.
    return {
      ok: false,
      waiting: { reason: 'ErrImagePull', message: (error as Error).message },
      retryInMs: Math.min(1000, backoff.delayMs(key) / 2),
    };
  }
}
