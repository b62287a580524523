import type { ContainerRuntime } from '../runtime';
import type { PodRecord } from './pod-record';
import { runProbe } from './probe-run';
import { ContainerProbes } from './prober';
import { instancesOf } from './status';

/** Keeps one ContainerProbes per running app container; drops those of containers that stopped. */
export function trackProbes(rec: PodRecord): void {
  const keep = new Set<string>();
  for (const c of rec.pod.spec.containers) {
    const [latest] = instancesOf(rec.instances.values(), c.name, 'app');
    if (latest?.state.status !== 'running') continue;
    keep.add(latest.id);
    if (!rec.probes.has(latest.id)) {
      const startedAtMs = latest.state.startedAt ? Date.parse(latest.state.startedAt) : 0;
      rec.probes.set(latest.id, new ContainerProbes(latest.id, c, startedAtMs, rec.seededReady.has(latest.id)));
    }
  }
  for (const id of rec.probes.keys()) if (!keep.has(id)) rec.probes.delete(id);
}

/**
 * Runs the probes that are due, all at once; `done` learns whether any
 * verdict changed and whether a container must be restarted.
 */
export async function runProbes(
  rec: PodRecord,
  runtime: ContainerRuntime,
  now: () => number,
  done: (changed: { any: boolean; failed: boolean }) => void,
): Promise<void> {
  const attempts: Promise<boolean>[] = [];
  for (const probes of rec.probes.values()) {
    for (const track of probes.takeDue(now())) {
      const target = {
        runtime,
        containerId: probes.containerId,
        container: probes.container,
        podIP: rec.podIP ?? '127.0.0.1',
      };
      attempts.push(
        runProbe(track.probe, target).then((outcome) => probes.record(track, outcome.ok, outcome.message, now())),
      );
    }
  }
  if (attempts.length === 0) return;
  const changed = await Promise.all(attempts);
  done({ any: changed.some(Boolean), failed: [...rec.probes.values()].some((p) => p.failed) });
}
