import type Dockerode from 'dockerode';
import { fromLabelMap, LABEL, toLabelMap } from './labels';
import type { ContainerInfo, ContainerSpec, ContainerStatusKind, ContainerSummary, SandboxSpec } from './types';

// Pure translations between Kedge's runtime types and Docker API shapes.

/** Entrypoint/cmd of a sandbox: sleeps forever, holding the network namespace. */
export const SANDBOX_ENTRYPOINT = ['sleep'];
export const SANDBOX_CMD = ['2147483647'];

/** Docker's zero time means "never"; times are kept to the millisecond (status rounds to seconds). */
export function toIsoTime(value: string | undefined): string | undefined {
  if (!value || value.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function toStatusKind(state: string | undefined): ContainerStatusKind {
  switch (state) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'unknown';
  }
}

/**
 * A sandbox with `podIp` gets no Docker network: edgecore wires its
 * namespace to the pod bridge itself (`NetworkDisabled` keeps the namespace,
 * empty but for loopback, and skips Docker's network hooks).
 */
export function sandboxCreateOptions(spec: SandboxSpec, podIp?: string): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostPort: string; HostIp?: string }[]> = {};
  for (const port of spec.ports) {
    const key = `${port.containerPort}/${port.protocol.toLowerCase()}`;
    exposed[key] = {};
    if (port.hostPort)
      (bindings[key] ??= []).push({ HostPort: String(port.hostPort), ...(port.hostIP ? { HostIp: port.hostIP } : {}) });
  }
  return {
    name: spec.name,
    Image: spec.image,
    Entrypoint: SANDBOX_ENTRYPOINT,
    Cmd: SANDBOX_CMD,
    Labels: { ...toLabelMap(spec.labels), ...(podIp ? { [LABEL.podIp]: podIp } : {}) },
    ...(spec.hostNetwork ? {} : { Hostname: spec.hostname }),
    ExposedPorts: exposed,
    ...(podIp ? { NetworkDisabled: true } : {}),
    HostConfig: {
      NetworkMode: spec.hostNetwork ? 'host' : podIp ? 'none' : 'bridge',
      // The pod's containers join the sandbox's IPC namespace too.
      IpcMode: 'shareable',
      PortBindings: bindings,
      // The sandbox only sleeps; cap it so a busy image cannot make it heavy.
      Memory: 16 * 1024 * 1024,
      // It never writes a line: no log file or log stream to set up at start.
      LogConfig: { Type: 'none', Config: {} },
      RestartPolicy: { Name: 'no' },
    },
  };
}

export function containerCreateOptions(spec: ContainerSpec): Dockerode.ContainerCreateOptions {
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    // Kubernetes: `command` without `args` drops the image's CMD.
    ...(spec.cmd ? { Cmd: spec.cmd } : spec.entrypoint ? { Cmd: [] } : {}),
    Env: spec.env,
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    Labels: toLabelMap(spec.labels),
    Tty: spec.tty ?? false,
    HostConfig: {
      NetworkMode: `container:${spec.sandboxId}`,
      IpcMode: `container:${spec.sandboxId}`,
      Binds: spec.mounts.map((m) => `${m.hostPath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`),
      ...(spec.nanoCpus ? { NanoCpus: spec.nanoCpus } : {}),
      ...(spec.cpuShares ? { CpuShares: spec.cpuShares } : {}),
      ...(spec.memoryBytes ? { Memory: spec.memoryBytes } : {}),
      RestartPolicy: { Name: 'no' },
    },
  };
}

export function toContainerInfo(info: Dockerode.ContainerInspectInfo, imageRef: string): ContainerInfo | undefined {
  const labels = fromLabelMap(info.Config.Labels);
  if (!labels) return undefined;
  const state = info.State;
  const networks = Object.values(info.NetworkSettings.Networks ?? {});
  const ip =
    info.NetworkSettings.IPAddress ||
    networks.find((n) => n.IPAddress)?.IPAddress ||
    info.Config.Labels?.[LABEL.podIp] ||
    undefined;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    imageRef,
    labels,
    createdAt: toIsoTime(info.Created) ?? new Date(0).toISOString(),
    state: {
      status: toStatusKind(state.Status),
      exitCode: state.ExitCode,
      startedAt: toIsoTime(state.StartedAt),
      finishedAt: state.Running ? undefined : toIsoTime(state.FinishedAt),
      oomKilled: state.OOMKilled,
      ...(state.Error ? { error: state.Error } : {}),
    },
    ...(ip ? { ip } : {}),
  };
}

export function toSummary(entry: Dockerode.ContainerInfo): ContainerSummary | undefined {
  const labels = fromLabelMap(entry.Labels);
  return labels ? { id: entry.Id, labels, status: toStatusKind(entry.State) } : undefined;
}

/** Docker exec output without a TTY is framed: 1 byte stream, 3 zero bytes, 4 bytes big-endian length. */
export function demuxExecOutput(raw: Buffer, limitBytes: number): string {
  const parts: Buffer[] = [];
  let size = 0;
  let offset = 0;
  while (offset + 8 <= raw.length && size < limitBytes) {
    const length = raw.readUInt32BE(offset + 4);
    const chunk = raw.subarray(offset + 8, Math.min(offset + 8 + length, raw.length));
    parts.push(chunk);
    size += chunk.length;
    offset += 8 + length;
  }
  return Buffer.concat(parts).subarray(0, limitBytes).toString('utf8');
}
