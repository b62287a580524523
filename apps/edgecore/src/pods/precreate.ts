import type { Container } from './kube-types';
import { pullPolicy } from './images';
import { createFor, isConfigError, lookupImage, reinspect, type Pass } from './sync-pass';

// A new sandbox takes most of a pod's start-up time (the engine builds its
// network namespace). The pod's containers are created meanwhile, so that
// once the sandbox runs only their start is left.

/** True when an env var takes the pod IP, which is known only once the sandbox runs. */
function needsPodIP(c: Container): boolean {
  return (c.env ?? []).some((e) => /^status\.podIPs?$/.test(e.valueFrom?.fieldRef?.fieldPath ?? ''));
}

/**
 * Containers that can be created before their sandbox runs: app containers
 * of a pod without init containers (those run first, one by one), never
 * created yet, image already on the node, not needing the pod IP. Anything
 * else is left to the ordinary pass, which reports why it waits.
 */
export function precreatable(pass: Pass): Container[] {
  const { rec } = pass;
  if ((rec.pod.spec.initContainers ?? []).length > 0) return [];
  const existing = new Set([...rec.instances.values()].map((i) => i.labels.containerName));
  return rec.pod.spec.containers.filter((c) => !existing.has(c.name) && pullPolicy(c) !== 'Always' && !needsPodIP(c));
}

/**
 * Creates (not starts) the precreatable containers in the new sandbox's
 * namespaces and records them. Never throws: a container that cannot be
 * created now is created, or its failure reported, by the pass that follows.
 * Returns the ids created.
 */
export async function precreateContainers(pass: Pass, sandboxId: string): Promise<string[]> {
  const created: string[] = [];
  await Promise.all(
    precreatable(pass).map(async (c) => {
      try {
        if (!(await lookupImage(pass, c.image))) return;
        const field = `spec.containers[${pass.rec.pod.spec.containers.indexOf(c)}]`;
        const id = await createFor(pass, c, 'app', field, 0, sandboxId);
        created.push(id);
        pass.rec.waiting.delete(c.name);
        await reinspect(pass, id);
      } catch (error) {
        if (!isConfigError(error))
          pass.ctx.warn('container pre-create failed', {
            pod: pass.rec.ref.name,
            container: c.name,
            error: (error as Error).message,
          });
      }
    }),
  );
  return created;
}
