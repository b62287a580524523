import { createHash, randomBytes } from 'node:crypto';
import { ImagePullError, InvalidOptionsError, RuntimeOperationError } from '../errors';
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

export interface SimulatedRuntimeOptions {
  /** Images present locally. Default: every image is present. */
  presentImages?: Iterable<string>;
  /** Containers of these images exit with code 1 as soon as they start. Default: none. */
  failingImages?: Iterable<string>;
  /** Reported by version(); container ids read `${name}://…`. Default { name: 'simulated', version: '1.0.0' }. */
  version?: { name: string; version: string };
  /** Reported by nodeResources(). Default 4 CPUs, 4 GiB. */
  resources?: NodeResources;
  /** Second octet of the fake pod network 10.X.0.0/16. Default 244. */
  podNetworkOctet?: number;
}

/** Exit code of a simulated process ended by SIGTERM (128 + 15). */
export const SIMULATED_STOP_EXIT_CODE = 143;

interface SimContainer {
  info: ContainerInfo;
  node: string;
}

const now = (): string => new Date().toISOString();

/**
 * A ContainerRuntime without an engine, for hollow nodes: containers "run"
 * until stopped (images in failingImages exit at once with code 1); nothing
 * is executed and no timer exists per container, so thousands of nodes fit in
 * one process. Exec probes succeed while the container runs.
 */
export class SimulatedRuntime implements ContainerRuntime {
  private readonly containers = new Map<string, SimContainer>();
  private readonly names = new Map<string, string>();
  /**
   * Container ids by pod uid and by node: listing one pod or one node stays
   * cheap when thousands of simulated nodes share the runtime.
   */
  private readonly byPod = new Map<string, Set<string>>();
  private readonly byNode = new Map<string, Set<string>>();
  private readonly listeners = new Map<string, Set<(event: RuntimeEvent) => void>>();
  private readonly present?: Set<string>;
  private readonly failing: Set<string>;
  private readonly versionInfo: RuntimeVersion;
  private readonly resources: NodeResources;
  private readonly octet: number;
  private nextIp = 2;

  constructor(options: SimulatedRuntimeOptions = {}) {
    this.present = options.presentImages ? new Set(options.presentImages) : undefined;
    this.failing = new Set(options.failingImages ?? []);
    const { name, version } = options.version ?? { name: 'simulated', version: '1.0.0' };
    this.versionInfo = { name, version, containerRuntimeVersion: `${name}://${version}` };
    this.resources = options.resources ?? { cpuCount: 4, memoryBytes: 4 * 1024 ** 3 };
    this.octet = options.podNetworkOctet ?? 244;
    if (!Number.isInteger(this.octet) || this.octet < 0 || this.octet > 255) {
      throw new InvalidOptionsError(
        `SimulatedRuntime option podNetworkOctet must be an integer 0..255, got ${this.octet}`,
        {},
      );
    }
  }

  async version(): Promise<RuntimeVersion> {
    return this.versionInfo;
  }

  nodeResources(): NodeResources {
    return this.resources;
  }

  async inspectImage(image: string): Promise<ImageInfo | undefined> {
    return this.imageInfo(image);
  }

  private imageInfo(image: string): ImageInfo | undefined {
    if (this.present && !this.present.has(image)) return undefined;
    const id = `sha256:${createHash('sha256').update(image).digest('hex')}`;
    return { id, ref: `${this.versionInfo.name}://${id}` };
  }

  async pullImage(image: string): Promise<ImageInfo> {
    const info = this.imageInfo(image);
    if (info) return info;
    throw new ImagePullError(`pull of ${image} failed: the simulated runtime reaches no registry`, { image });
  }

  async createSandbox(spec: SandboxSpec): Promise<string> {
    const id = await this.create(spec.name, spec.image, spec);
    (this.containers.get(id) as SimContainer).info.ip = spec.hostNetwork ? '127.0.0.1' : this.allocateIp();
    return id;
  }

  async startSandbox(id: string): Promise<ContainerInfo> {
    await this.startContainer(id);
    const { info } = this.get(id, 'start');
    return { ...info, state: { ...info.state } };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    return this.create(spec.name, spec.image, spec);
  }

  async startContainer(id: string): Promise<void> {
    const entry = this.get(id, 'start');
    const state = entry.info.state;
    if (state.status === 'running') return;
    Object.assign(state, { status: 'running', exitCode: 0, startedAt: now(), finishedAt: undefined });
    this.emit(entry, 'start');
    // Sandboxes only sleep: a failing image fails the pod's own containers, not its sandbox.
    if (this.failing.has(entry.info.image) && entry.info.labels.kind !== 'sandbox') this.finish(entry, 1);
  }

  async stopContainer(id: string, _graceSeconds: number): Promise<void> {
    const entry = this.containers.get(id);
    if (entry?.info.state.status === 'running') this.finish(entry, SIMULATED_STOP_EXIT_CODE);
  }

  async removeContainer(id: string): Promise<void> {
    const entry = this.containers.get(id);
    if (!entry) return;
    if (entry.info.state.status === 'running') this.finish(entry, 137);
    this.containers.delete(id);
    this.names.delete(entry.info.name);
    unindex(this.byPod, entry.info.labels.podUid, id);
    unindex(this.byNode, entry.node, id);
    this.emit(entry, 'destroy');
  }

  async inspectContainer(id: string): Promise<ContainerInfo | undefined> {
    const entry = this.containers.get(id);
    return entry ? { ...entry.info, state: { ...entry.info.state } } : undefined;
  }

  async listContainers(filter: { nodeName: string; podUid?: string }): Promise<ContainerSummary[]> {
    const out: ContainerSummary[] = [];
    const ids = (filter.podUid ? this.byPod.get(filter.podUid) : this.byNode.get(filter.nodeName)) ?? [];
    for (const id of ids) {
      const { info, node } = this.containers.get(id) as SimContainer;
      if (node === filter.nodeName) out.push({ id, labels: info.labels, status: info.state.status });
    }
    return out;
  }

  async exec(id: string, _command: string[], _timeoutMs: number): Promise<ExecResult> {
    const entry = this.get(id, 'exec');
    if (entry.info.state.status !== 'running') {
      throw new RuntimeOperationError(`exec in ${id} failed: container is not running`, { op: 'exec', id });
    }
    return { exitCode: 0, output: '', timedOut: false };
  }

  subscribe(nodeName: string, listener: (event: RuntimeEvent) => void): () => void {
    let set = this.listeners.get(nodeName);
    if (!set) this.listeners.set(nodeName, (set = new Set()));
    set.add(listener);
    queueMicrotask(() => listener({ kind: 'resync' }));
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(nodeName);
    };
  }

  private async create(name: string, image: string, spec: SandboxSpec | ContainerSpec): Promise<string> {
    const imageInfo = this.imageInfo(image);
    if (!imageInfo) {
      throw new RuntimeOperationError(`docker create failed: No such image: ${image}`, { op: 'create', name });
    }
    if (this.names.has(name))
      throw new RuntimeOperationError(`create failed: name ${name} is already in use`, { op: 'create', name });
    const id = randomBytes(32).toString('hex');
    const imageRef = imageInfo.ref;
    const info: ContainerInfo = {
      id,
      name,
      image,
      imageRef,
      labels: { ...spec.labels },
      createdAt: now(),
      state: { status: 'created', exitCode: 0, oomKilled: false },
    };
    this.containers.set(id, { info, node: spec.labels.nodeName });
    this.names.set(name, id);
    index(this.byPod, spec.labels.podUid, id);
    index(this.byNode, spec.labels.nodeName, id);
    return id;
  }

  private get(id: string, op: string): SimContainer {
    const entry = this.containers.get(id);
    if (!entry)
      throw new RuntimeOperationError(`${op} of ${id} failed: no such container`, { op, id, statusCode: 404 });
    return entry;
  }

  private finish(entry: SimContainer, exitCode: number): void {
    Object.assign(entry.info.state, { status: 'exited', exitCode, finishedAt: now() });
    this.emit(entry, 'die');
  }

  private emit(entry: SimContainer, kind: RuntimeEvent['kind']): void {
    const set = this.listeners.get(entry.node);
    if (!set) return;
    const event: RuntimeEvent = { kind, containerId: entry.info.id, podUid: entry.info.labels.podUid };
    queueMicrotask(() => set.forEach((listener) => listener(event)));
  }

  private allocateIp(): string {
    const n = this.nextIp++;
    return `10.${this.octet}.${(n >> 8) & 255}.${n & 255}`;
  }
}

function index(by: Map<string, Set<string>>, key: string, id: string): void {
  let ids = by.get(key);
  if (!ids) by.set(key, (ids = new Set()));
  ids.add(id);
}

function unindex(by: Map<string, Set<string>>, key: string, id: string): void {
  const ids = by.get(key);
  ids?.delete(id);
  if (ids?.size === 0) by.delete(key);
}
