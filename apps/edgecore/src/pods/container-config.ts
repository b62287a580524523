import { createHash } from 'node:crypto';
import type { ContainerKind, ContainerLabels, ContainerSpec, NodeResources, SandboxSpec } from '../runtime';
import { buildEnv, type Resolve } from './env';
import { expand } from './expand';
import type { Container, Pod } from './kube-types';
import { engineResources } from './quantity';
import { containerMounts } from './volumes';

// Kubernetes container → runtime container spec.

/** JSON with sorted keys, so a stored and re-read spec hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Changes when the container's spec changes; a running container with another hash is replaced. */
export function specHash(container: Container): string {
  return createHash('sha256').update(canonical(container)).digest('hex').slice(0, 16);
}

export function podLabels(
  pod: Pod,
  nodeName: string,
  name: string,
  kind: ContainerKind,
  restartCount: number,
  hash: string,
): ContainerLabels {
  return {
    nodeName,
    podUid: pod.metadata.uid,
    podName: pod.metadata.name,
    podNamespace: pod.metadata.namespace ?? 'default',
    containerName: name,
    kind,
    restartCount,
    specHash: hash,
  };
}

/** Engine name, unique per attempt: kedge_<container>_<pod>_<namespace>_<uid>_<attempt>. */
function engineName(pod: Pod, container: string, attempt: number): string {
  return `kedge_${container}_${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}_${pod.metadata.uid}_${attempt}`;
}

export function sandboxSpec(pod: Pod, nodeName: string, image: string, attempt: number): SandboxSpec {
  const ports = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'TCP',
      ...(p.hostPort ? { hostPort: p.hostPort } : {}),
      ...(p.hostIP ? { hostIP: p.hostIP } : {}),
    })),
  );
  return {
    name: engineName(pod, 'POD', attempt),
    image,
    labels: podLabels(pod, nodeName, '', 'sandbox', attempt, ''),
    hostname: (pod.spec.hostname ?? pod.metadata.name).slice(0, 63),
    hostNetwork: pod.spec.hostNetwork ?? false,
    ports,
  };
}

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  kind: ContainerKind;
  /** Where the container sits in the spec, for error messages, e.g. spec.containers[1]. */
  field: string;
  nodeName: string;
  restartCount: number;
  sandboxId: string;
  podIP: string;
  hostIP: string;
  node: NodeResources;
  resolve: Resolve;
  volumeDir: string;
}

/** Throws ContainerConfigError / InvalidPodSpecError when the spec cannot be honoured. */
export async function containerSpec(input: ContainerConfigInput): Promise<ContainerSpec> {
  const { pod, container, field } = input;
  const env = buildEnv(input, container, field);
  const lookup = (name: string): string | undefined => env.get(name);
  return {
    name: engineName(pod, container.name, input.restartCount),
    image: container.image,
    labels: podLabels(pod, input.nodeName, container.name, input.kind, input.restartCount, specHash(container)),
    ...(container.command ? { entrypoint: container.command.map((part) => expand(part, lookup)) } : {}),
    ...(container.args ? { cmd: container.args.map((part) => expand(part, lookup)) } : {}),
    env: [...env].map(([name, value]) => `${name}=${value}`),
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    mounts: await containerMounts(pod, container, input.volumeDir, field),
    sandboxId: input.sandboxId,
    ...engineResources(container, field),
    ...(container.tty ? { tty: true } : {}),
  };
}
