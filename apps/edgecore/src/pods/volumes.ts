import { access, mkdir, open, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { ContainerConfigError, InvalidPodSpecError } from '../errors';
import type { Mount } from '../runtime';
import { writeAtomicDir, type FileEntry } from './atomic-dir';
import { objectData, type Resolve } from './env';
import type { Container, KeyToPath, Pod, Volume } from './kube-types';

// Pod volumes as host directories under `<volumeDir>/pods/<uid>/volumes/`,
// bind-mounted into the containers.

export function podDir(volumeDir: string, uid: string): string {
  return join(volumeDir, 'pods', uid);
}

function sourceOf(
  volume: Volume,
): { kind: 'ConfigMap' | 'Secret'; name: string; items?: KeyToPath[]; mode: number; optional: boolean } | undefined {
  if (volume.configMap) {
    const c = volume.configMap;
    return {
      kind: 'ConfigMap',
      name: c.name ?? '',
      items: c.items,
      mode: c.defaultMode ?? 0o644,
      optional: c.optional ?? false,
    };
  }
  if (volume.secret) {
    const s = volume.secret;
    return {
      kind: 'Secret',
      name: s.secretName ?? '',
      items: s.items,
      mode: s.defaultMode ?? 0o644,
      optional: s.optional ?? false,
    };
  }
  return undefined;
}

export function volumeHostPath(volumeDir: string, uid: string, volume: Volume): string {
  if (volume.hostPath) return volume.hostPath.path;
  const plugin = volume.configMap ? 'configmap' : volume.secret ? 'secret' : 'empty-dir';
  return join(podDir(volumeDir, uid), 'volumes', `kubernetes.io~${plugin}`, volume.name);
}

function safeRelative(path: string, field: string): string {
  const clean = normalize(path);
  if (!path || isAbsolute(path) || clean.startsWith('..')) {
    throw new InvalidPodSpecError(`${field} "${path}" must be a relative path without '..'`, { field });
  }
  return clean;
}

/** True when the pod uses this ConfigMap or Secret in a volume, env or envFrom. */
export function referencesObject(pod: Pod, kind: 'ConfigMap' | 'Secret', name: string): boolean {
  const inVolumes = (pod.spec.volumes ?? []).some(
    (v) => (kind === 'ConfigMap' ? v.configMap?.name : v.secret?.secretName) === name,
  );
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  return (
    inVolumes ||
    containers.some(
      (c) =>
        (c.envFrom ?? []).some((s) => (kind === 'ConfigMap' ? s.configMapRef?.name : s.secretRef?.name) === name) ||
        (c.env ?? []).some(
          (e) => (kind === 'ConfigMap' ? e.valueFrom?.configMapKeyRef?.name : e.valueFrom?.secretKeyRef?.name) === name,
        ),
    )
  );
}

async function writeSource(pod: Pod, volume: Volume, dir: string, resolve: Resolve, index: number): Promise<void> {
  const source = sourceOf(volume) as NonNullable<ReturnType<typeof sourceOf>>;
  const namespace = pod.metadata.namespace ?? 'default';
  const object = source.name ? resolve(source.kind, namespace, source.name) : undefined;
  if (!object && !source.optional) {
    throw new ContainerConfigError(
      `volume "${volume.name}": ${source.kind} ${namespace}/${source.name} not found; create it or mark the volume optional`,
      {
        kind: source.kind,
        namespace,
        name: source.name,
      },
    );
  }
  const data = object ? objectData(source.kind, object) : new Map<string, Buffer>();
  const files = new Map<string, FileEntry>();
  if (source.items) {
    for (const [i, item] of source.items.entries()) {
      const value = data.get(item.key);
      const field = `spec.volumes[${index}].items[${i}]`;
      if (value === undefined) {
        if (source.optional) continue;
        throw new ContainerConfigError(
          `volume "${volume.name}": key "${item.key}" of ${source.kind} ${namespace}/${source.name} not found`,
          {
            kind: source.kind,
            namespace,
            name: source.name,
            key: item.key,
          },
        );
      }
      files.set(safeRelative(item.path, `${field}.path`), { data: value, mode: item.mode ?? source.mode });
    }
  } else {
    for (const [key, value] of data)
      files.set(safeRelative(key, `${source.kind} key`), { data: value, mode: source.mode });
  }
  await writeAtomicDir(dir, files);
}

async function prepareHostPath(volume: Volume, index: number): Promise<void> {
  const { path, type = '' } = volume.hostPath as NonNullable<Volume['hostPath']>;
  const field = `spec.volumes[${index}].hostPath`;
  if (!isAbsolute(path)) throw new InvalidPodSpecError(`${field}.path "${path}" must be absolute`, { field });
  if (type === 'DirectoryOrCreate') await mkdir(path, { recursive: true, mode: 0o755 });
  else if (type === 'FileOrCreate') await (await open(path, 'a')).close();
  else if (type) {
    await access(path).catch((cause: unknown) => {
      throw new ContainerConfigError(
        `${field}.path ${path} does not exist (type ${type}); create it on the node`,
        { path },
        { cause },
      );
    });
  }
}

/** Creates or refreshes every volume of the pod. ConfigMap and Secret files change atomically. */
export async function setupVolumes(pod: Pod, volumeDir: string, resolve: Resolve): Promise<void> {
  for (const [index, volume] of (pod.spec.volumes ?? []).entries()) {
    if (volume.hostPath) await prepareHostPath(volume, index);
    else if (sourceOf(volume))
      await writeSource(pod, volume, volumeHostPath(volumeDir, pod.metadata.uid, volume), resolve, index);
    else await mkdir(volumeHostPath(volumeDir, pod.metadata.uid, volume), { recursive: true, mode: 0o777 });
  }
}

/** Rewrites only the volumes fed by one ConfigMap or Secret. */
export async function refreshVolumes(
  pod: Pod,
  volumeDir: string,
  resolve: Resolve,
  kind: 'ConfigMap' | 'Secret',
  name: string,
): Promise<void> {
  for (const [index, volume] of (pod.spec.volumes ?? []).entries()) {
    const source = sourceOf(volume);
    if (source?.kind === kind && source.name === name) {
      await writeSource(pod, volume, volumeHostPath(volumeDir, pod.metadata.uid, volume), resolve, index);
    }
  }
}

/** Bind mounts of one container; subPath directories are created as kubelet does. */
export async function containerMounts(
  pod: Pod,
  container: Container,
  volumeDir: string,
  field: string,
): Promise<Mount[]> {
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  const mounts: Mount[] = [];
  for (const [i, mount] of (container.volumeMounts ?? []).entries()) {
    const volume = volumes.get(mount.name);
    const where = `${field}.volumeMounts[${i}]`;
    if (!volume)
      throw new InvalidPodSpecError(`${where}.name "${mount.name}" matches no entry of spec.volumes`, { field: where });
    let hostPath = volumeHostPath(volumeDir, pod.metadata.uid, volume);
    if (mount.subPath) {
      hostPath = join(hostPath, safeRelative(mount.subPath, `${where}.subPath`));
      if (!sourceOf(volume)) await mkdir(hostPath, { recursive: true, mode: 0o777 });
    }
    // ConfigMap and Secret volumes are always read-only in Kubernetes.
    mounts.push({
      hostPath,
      containerPath: mount.mountPath,
      readOnly: Boolean(mount.readOnly) || Boolean(sourceOf(volume)),
    });
  }
  return mounts;
}

export async function removePodDir(volumeDir: string, uid: string): Promise<void> {
  await rm(podDir(volumeDir, uid), { recursive: true, force: true });
}
