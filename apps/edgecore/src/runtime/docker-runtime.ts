import type Dockerode from 'dockerode';
import { join } from 'node:path';
import { ImagePullError, InvalidOptionsError, RuntimeOperationError, RuntimeUnavailableError } from '../errors';
import {
  containerCreateOptions,
  demuxExecOutput,
  sandboxCreateOptions,
  toContainerInfo,
  toSummary,
} from './docker-convert';
import { watchDockerEvents } from './docker-events';
import { LABEL } from './labels';
import { hostResources } from './node-resources';
import type { PodBridge } from './pod-network/pod-bridge';
import { POD_ETC_FILES } from './pod-network/pod-etc-files';
import type {
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
  ContainerSummary,
  ExecResult,
  ImageInfo,
  NodeResources,
  RuntimeEvent,
  RuntimeVersion,
  SandboxSpec,
} from './types';

export interface DockerRuntimeOptions {
  /** Docker API socket. Default '/var/run/docker.sock'. */
  socketPath?: string;
  /** Longest wait for a pull before it counts as failed. Default 300_000 ms. */
  pullTimeoutMs?: number;
  /** Delay before re-opening a broken event stream. Default 1_000 ms. */
  eventsRetryMs?: number;
  /**
   * The pods' own bridge. Without it (or when it cannot be set up) each
   * sandbox joins Docker's `bridge` network instead.
   */
  podBridge?: PodBridge;
  /** Told when the pod bridge cannot be set up and Docker's network is used instead. */
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

type FilledOptions = Required<Omit<DockerRuntimeOptions, 'podBridge' | 'warn'>>;

/** A sandbox on the pod bridge: its address, held under its engine name. */
interface BridgedSandbox {
  ip: string;
  owner: string;
}

export function withDefaults(options: DockerRuntimeOptions = {}): FilledOptions {
  const filled = {
    socketPath: options.socketPath ?? '/var/run/docker.sock',
    pullTimeoutMs: options.pullTimeoutMs ?? 300_000,
    eventsRetryMs: options.eventsRetryMs ?? 1_000,
  };
  for (const key of ['pullTimeoutMs', 'eventsRetryMs'] as const) {
    if (!Number.isFinite(filled[key]) || filled[key] <= 0) {
      throw new InvalidOptionsError(
        `DockerRuntime option ${key} must be a positive number of milliseconds, got ${String(filled[key])}`,
        { key },
      );
    }
  }
  if (!filled.socketPath)
    throw new InvalidOptionsError(
      'DockerRuntime option socketPath must name the Docker socket, e.g. /var/run/docker.sock',
      {},
    );
  return filled;
}

const EXEC_OUTPUT_LIMIT_BYTES = 10 * 1024;

interface DockerApiError {
  statusCode?: number;
  code?: string;
  message?: string;
}

function statusOf(error: unknown): number | undefined {
  return (error as DockerApiError | undefined)?.statusCode;
}

/**
 * ContainerRuntime over the Docker Engine API. dockerode (≈25 MB RSS once
 * loaded) is imported on first use, so an edgecore that never touches Docker
 * does not pay for it.
 */
export class DockerRuntime implements ContainerRuntime {
  private readonly options: FilledOptions;
  private client?: Promise<Dockerode>;
  private readonly imageRefs = new Map<string, string>();
  private readonly podBridge?: PodBridge;
  private readonly warn: NonNullable<DockerRuntimeOptions['warn']>;
  /** Resolves to the pod bridge once it is set up, or to undefined when Docker's network is used. */
  private bridgeReady?: Promise<PodBridge | undefined>;
  private readonly bridged = new Map<string, BridgedSandbox>();

  constructor(options: DockerRuntimeOptions = {}) {
    this.options = withDefaults(options);
    this.podBridge = options.podBridge;
    this.warn = options.warn ?? (() => undefined);
  }

  /**
   * Sets the pod bridge up on first use, after learning which sandboxes hold
   * addresses (so a restarted edgecore frees them when they go). A host that
   * does not let edgecore build the bridge falls back to Docker's network; an
   * engine that cannot be reached is retried on the next call.
   */
  private bridge(): Promise<PodBridge | undefined> {
    const podBridge = this.podBridge;
    if (!podBridge) return Promise.resolve(undefined);
    this.bridgeReady ??= (async () => {
      const entries = await this.call('list', {}, (d) =>
        d.listContainers({ all: true, filters: { label: [LABEL.podIp] } }),
      );
      const live = new Set<string>();
      for (const entry of entries) {
        const owner = (entry.Names[0] ?? '').replace(/^\//, '');
        live.add(owner);
        this.bridged.set(entry.Id, { ip: entry.Labels[LABEL.podIp] ?? '', owner });
      }
      try {
        await podBridge.prepare(live);
        return podBridge;
      } catch (error) {
        this.warn(`pod bridge ${podBridge.bridge} cannot be set up; new pods use Docker's bridge network`, {
          error: (error as Error).message,
        });
        return undefined;
      }
    })();
    return this.bridgeReady.catch((error: unknown) => {
      this.bridgeReady = undefined;
      throw error;
    });
  }

  private docker(): Promise<Dockerode> {
    this.client ??= import('dockerode').then(
      ({ default: Docker }) => new Docker({ socketPath: this.options.socketPath }),
    );
    return this.client;
  }

  /** Runs one engine call, turning transport failures and API errors into Kedge errors. */
  private async call<T>(
    op: string,
    context: Record<string, unknown>,
    fn: (docker: Dockerode) => Promise<T>,
  ): Promise<T> {
    const docker = await this.docker();
    try {
      return await fn(docker);
    } catch (error) {
      const code = (error as DockerApiError).code;
      if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
        throw new RuntimeUnavailableError(
          `Docker is not reachable at ${this.options.socketPath} (${code}); start dockerd or set the runtime socket path`,
          { socketPath: this.options.socketPath },
          { cause: error },
        );
      }
      const reason = (error as DockerApiError).message ?? String(error);
      throw new RuntimeOperationError(
        `docker ${op} failed: ${reason}`,
        { op, ...context, statusCode: statusOf(error) },
        { cause: error },
      );
    }
  }

  async version(): Promise<RuntimeVersion> {
    const info = await this.call('version', {}, (d) => d.version());
    return { name: 'docker', version: info.Version, containerRuntimeVersion: `docker://${info.Version}` };
  }

  nodeResources(): NodeResources {
    return hostResources();
  }

  async inspectImage(image: string): Promise<ImageInfo | undefined> {
    try {
      const info = await this.call('image inspect', { image }, (d) => d.getImage(image).inspect());
      const digest = info.RepoDigests?.[0];
      const ref = digest ? `docker-pullable://${digest}` : `docker://${info.Id}`;
      this.imageRefs.set(info.Id, ref);
      return { id: info.Id, ref };
    } catch (error) {
      if (statusOf((error as Error).cause) === 404) return undefined;
      throw error;
    }
  }

  async pullImage(image: string): Promise<ImageInfo> {
    const signal = AbortSignal.timeout(this.options.pullTimeoutMs);
    try {
      const docker = await this.docker();
      const stream = (await docker.pull(image, { abortSignal: signal })) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
          const failed = error ?? events.find((e) => e.error)?.error;
          if (failed) reject(failed instanceof Error ? failed : new Error(failed));
          else resolve();
        });
      });
    } catch (error) {
      const reason = (error as DockerApiError).message ?? String(error);
      throw new ImagePullError(`pull of ${image} failed: ${reason}`, { image }, { cause: error });
    }
    const info = await this.inspectImage(image);
    if (!info) throw new ImagePullError(`pull of ${image} reported success but the image is absent`, { image });
    return info;
  }

  async createSandbox(spec: SandboxSpec): Promise<string> {
    // hostPort mappings are Docker's to make, so such pods stay on its network.
    const onBridge = !spec.hostNetwork && !spec.ports.some((p) => p.hostPort);
    const bridge = onBridge ? await this.bridge() : undefined;
    const address = bridge?.assign(spec.name, spec.hostname);
    try {
      const id = await this.call(
        'create sandbox',
        { name: spec.name },
        async (d) => (await d.createContainer(sandboxCreateOptions(spec, address?.ip))).id,
      );
      if (address) this.bridged.set(id, { ip: address.ip, owner: spec.name });
      return id;
    } catch (error) {
      if (address) bridge?.release(address.ip, spec.name);
      throw error;
    }
  }

  async startSandbox(id: string): Promise<ContainerInfo> {
    try {
      await this.startContainer(id);
      const onBridge = this.bridged.get(id);
      if (onBridge) await this.attachToBridge(id, onBridge.ip);
    } catch (error) {
      // A sandbox that cannot start (e.g. no `sleep` in the image) must not pile up.
      await this.removeContainer(id);
      throw error;
    }
    const info = await this.inspectContainer(id);
    if (!info) throw new RuntimeOperationError(`sandbox ${id} vanished right after start`, { id });
    return info;
  }

  private async attachToBridge(id: string, ip: string): Promise<void> {
    const bridge = await this.bridge();
    if (!bridge) throw new RuntimeOperationError(`sandbox ${id} needs the pod bridge, which is not set up`, { id });
    const info = await this.call('inspect', { id }, (d) => d.getContainer(id).inspect());
    try {
      await bridge.attach(info.State.Pid, ip, id);
    } catch (error) {
      throw new RuntimeOperationError(
        `sandbox ${id} cannot join bridge ${bridge.bridge}: ${(error as Error).message}`,
        { id, ip },
        { cause: error },
      );
    }
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    await this.bridge();
    const onBridge = this.bridged.get(spec.sandboxId);
    const filesDir = onBridge ? this.podBridge?.filesDirOf(onBridge.owner) : undefined;
    const taken = new Set(spec.mounts.map((m) => m.containerPath));
    const etcFiles = filesDir
      ? POD_ETC_FILES.filter((file) => !taken.has(`/etc/${file}`)).map((file) => ({
          hostPath: join(filesDir, file),
          containerPath: `/etc/${file}`,
          readOnly: false,
        }))
      : [];
    const withFiles = etcFiles.length > 0 ? { ...spec, mounts: [...spec.mounts, ...etcFiles] } : spec;
    return this.call(
      'create',
      { name: spec.name },
      async (d) => (await d.createContainer(containerCreateOptions(withFiles))).id,
    );
  }

  async startContainer(id: string): Promise<void> {
    await this.call('start', { id }, async (d) => {
      try {
        await d.getContainer(id).start();
      } catch (error) {
        if (statusOf(error) !== 304) throw error; // already running
      }
    });
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await this.call('stop', { id }, async (d) => {
      try {
        await d.getContainer(id).stop({ t: Math.max(0, Math.round(graceSeconds)) });
      } catch (error) {
        if (statusOf(error) !== 304 && statusOf(error) !== 404) throw error; // already stopped or gone
      }
    });
  }

  async removeContainer(id: string): Promise<void> {
    await this.bridge();
    await this.call('remove', { id }, async (d) => {
      try {
        await d.getContainer(id).remove({ force: true, v: true });
      } catch (error) {
        // 404: gone already; 409: removal already in progress.
        if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
      }
    });
    const onBridge = this.bridged.get(id);
    if (onBridge) {
      this.bridged.delete(id);
      this.podBridge?.release(onBridge.ip, onBridge.owner);
    }
  }

  async inspectContainer(id: string): Promise<ContainerInfo | undefined> {
    try {
      const info = await this.call('inspect', { id }, (d) => d.getContainer(id).inspect());
      let imageRef = this.imageRefs.get(info.Image);
      if (!imageRef) imageRef = (await this.inspectImage(info.Image))?.ref ?? `docker://${info.Image}`;
      return toContainerInfo(info, imageRef);
    } catch (error) {
      if (statusOf((error as Error).cause) === 404) return undefined;
      throw error;
    }
  }

  async listContainers(filter: { nodeName: string; podUid?: string }): Promise<ContainerSummary[]> {
    const label = [
      `${LABEL.nodeName}=${filter.nodeName}`,
      ...(filter.podUid ? [`${LABEL.podUid}=${filter.podUid}`] : []),
    ];
    const entries = await this.call('list', filter, (d) => d.listContainers({ all: true, filters: { label } }));
    return entries.flatMap((e) => toSummary(e) ?? []);
  }

  async exec(id: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    return this.call('exec', { id }, async (d) => {
      const exec = await d.getContainer(id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const chunks: Buffer[] = [];
      let size = 0;
      const ended = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        stream.on('data', (chunk: Buffer) => {
          if (size < EXEC_OUTPUT_LIMIT_BYTES * 2) chunks.push(chunk);
          size += chunk.length;
        });
        const done = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        stream.on('end', done);
        stream.on('close', done);
        stream.on('error', done);
      });
      stream.destroy();
      const output = demuxExecOutput(Buffer.concat(chunks), EXEC_OUTPUT_LIMIT_BYTES);
      if (!ended) return { exitCode: -1, output, timedOut: true };
      // The stream can end a moment before the engine records the exit code.
      let result = await exec.inspect();
      for (let attempt = 0; result.Running && attempt < 20; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        result = await exec.inspect();
      }
      return { exitCode: result.ExitCode ?? -1, output, timedOut: false };
    });
  }

  subscribe(nodeName: string, listener: (event: RuntimeEvent) => void): () => void {
    return watchDockerEvents(() => this.docker(), nodeName, this.options.eventsRetryMs, listener);
  }
}
