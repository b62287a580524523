import { InvalidPodSpecError } from '../errors';
import type { Pod } from './kube-types';

const policies = ['Always', 'OnFailure', 'Never'];

/** Rejects pods the manager cannot run (or that belong to another node), naming the field to fix. */
export function validatePod(pod: Pod, nodeName: string): void {
  const name = pod?.metadata?.name;
  const fail = (field: string, problem: string): never => {
    throw new InvalidPodSpecError(`pod ${name ?? '<unnamed>'}: ${field} ${problem}`, {
      field,
      uid: pod?.metadata?.uid,
    });
  };
  if (!pod?.metadata) fail('metadata', 'is missing; send the whole Pod object');
  if (!name) fail('metadata.name', 'is missing');
  if (!pod.metadata.uid) fail('metadata.uid', 'is missing; pods must come from the API server, which sets it');
  if (!pod.spec || !Array.isArray(pod.spec.containers) || pod.spec.containers.length === 0)
    fail('spec.containers', 'must list at least one container');
  if (pod.spec.nodeName && pod.spec.nodeName !== nodeName)
    fail('spec.nodeName', `is ${pod.spec.nodeName}, not this node (${nodeName})`);
  if (pod.spec.restartPolicy && !policies.includes(pod.spec.restartPolicy))
    fail('spec.restartPolicy', `must be one of ${policies.join(', ')}`);
  const seen = new Set<string>();
  for (const [list, containers] of [
    ['spec.initContainers', pod.spec.initContainers ?? []],
    ['spec.containers', pod.spec.containers],
  ] as const) {
    for (const [i, c] of containers.entries()) {
      if (!c?.name) fail(`${list}[${i}].name`, 'is missing');
      if (!c.image) fail(`${list}[${i}].image`, 'is missing');
      if (seen.has(c.name))
        fail(`${list}[${i}].name`, `"${c.name}" is used twice; container names must be unique in a pod`);
      seen.add(c.name);
    }
  }
  const volumes = new Set<string>();
  for (const [i, v] of (pod.spec.volumes ?? []).entries()) {
    if (!v?.name) fail(`spec.volumes[${i}].name`, 'is missing');
    if (volumes.has(v.name)) fail(`spec.volumes[${i}].name`, `"${v.name}" is used twice`);
    volumes.add(v.name);
  }
}
