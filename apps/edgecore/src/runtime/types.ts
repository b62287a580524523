// The narrow contract between the pod manager and a container engine.
// DockerRuntime implements it over the Docker API, SimulatedRuntime in memory.

export type ContainerKind = 'sandbox' | 'init' | 'app';

/** Identity of a container as written to (and read back from) its labels. */
export interface ContainerLabels {
  nodeName: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  /** Kubernetes container name; '' for the sandbox. */
  containerName: string;
  kind: ContainerKind;
  restartCount: number;
  /** Hash of the container's spec; a change means the container must be replaced. */
  specHash: string;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface PortMapping {
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostPort?: number;
  hostIP?: string;
}

export interface SandboxSpec {
  /** Engine-level name, unique on the host. */
  name: string;
  image: string;
  labels: ContainerLabels;
  hostname: string;
  hostNetwork: boolean;
  /** hostPort mappings live on the sandbox; the pod's containers share its network. */
  ports: PortMapping[];
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: ContainerLabels;
  /** Kubernetes `command`: replaces the image entrypoint when set. */
  entrypoint?: string[];
  /** Kubernetes `args`: replaces the image cmd when set. */
  cmd?: string[];
  /** `NAME=value` pairs. */
  env: string[];
  workingDir?: string;
  mounts: Mount[];
  /** Id of the sandbox whose network namespace the container joins. */
  sandboxId: string;
  nanoCpus?: number;
  cpuShares?: number;
  memoryBytes?: number;
  tty?: boolean;
}

export type ContainerStatusKind = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerState {
  status: ContainerStatusKind;
  exitCode: number;
  /** ISO-8601 to the millisecond (back-off needs it; status shows seconds); undefined when never started. */
  startedAt?: string;
  finishedAt?: string;
  oomKilled: boolean;
  /** Engine error text, e.g. why start failed. */
  error?: string;
}

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  /** Image reference as kubelet reports it, e.g. `docker://sha256:…`. */
  imageRef: string;
  labels: ContainerLabels;
  createdAt: string;
  state: ContainerState;
  /** IP of the container's own network namespace (sandboxes only). */
  ip?: string;
}

/** Cheap listing entry; inspect for the full state. */
export interface ContainerSummary {
  id: string;
  labels: ContainerLabels;
  status: ContainerStatusKind;
}

export interface ImageInfo {
  id: string;
  /** Image reference as kubelet reports it (`docker://sha256:…` or `docker-pullable://repo@digest`). */
  ref: string;
}

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr interleaved, capped at 10 KiB. */
  output: string;
  timedOut: boolean;
}

export interface RuntimeVersion {
  name: string;
  version: string;
  /** As Node.status.nodeInfo.containerRuntimeVersion shows it, e.g. `docker://20.10.24`. */
  containerRuntimeVersion: string;
}

export interface NodeResources {
  cpuCount: number;
  memoryBytes: number;
}

export type RuntimeEventKind = 'start' | 'die' | 'oom' | 'destroy' | 'resync';

/**
 * `resync` means events may have been missed (stream reconnected): the
 * listener should list containers again.
 */
export interface RuntimeEvent {
  kind: RuntimeEventKind;
  containerId?: string;
  podUid?: string;
}

export interface ContainerRuntime {
  /** e.g. { name: 'docker', version: '20.10.24', containerRuntimeVersion: 'docker://20.10.24' }; container ids read `${name}://…`. */
  version(): Promise<RuntimeVersion>;
  nodeResources(): NodeResources;
  /** Undefined when the image is not present locally. */
  inspectImage(image: string): Promise<ImageInfo | undefined>;
  /** Throws ImagePullError when the image cannot be fetched. */
  pullImage(image: string): Promise<ImageInfo>;
  /**
   * Creates (does not start) the sandbox that will hold the pod's network
   * namespace. Split from startSandbox so the pod's containers can be created
   * while the sandbox starts.
   */
  createSandbox(spec: SandboxSpec): Promise<string>;
  /** Starts a created sandbox and returns it inspected (IP included); one that cannot start is removed. */
  startSandbox(id: string): Promise<ContainerInfo>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after graceSeconds. Stopping a stopped container is a no-op. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container, running or not. Removing an absent one is a no-op. */
  removeContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerInfo | undefined>;
  /** Containers (running or not) carrying Kedge labels of this node, optionally of one pod. */
  listContainers(filter: { nodeName: string; podUid?: string }): Promise<ContainerSummary[]>;
  exec(id: string, command: string[], timeoutMs: number): Promise<ExecResult>;
  /** Delivers container events of this node until the returned function is called. */
  subscribe(nodeName: string, listener: (event: RuntimeEvent) => void): () => void;
}
