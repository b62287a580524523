/**
 * Container runtimes for edgecore's pod manager.
 *
 * @example
 * import { DockerRuntime, SimulatedRuntime } from './runtime';
 * const runtime = new DockerRuntime({ socketPath: '/var/run/docker.sock' }); // or new SimulatedRuntime()
 * const { containerRuntimeVersion } = await runtime.version();  // 'docker://20.10.24'
 * const { cpuCount, memoryBytes } = runtime.nodeResources();
 * const image = await runtime.inspectImage('kedge.local/busybox:1') ?? await runtime.pullImage('kedge.local/busybox:1');
 * const stop = runtime.subscribe('node-a', (event) => console.log(event.kind, event.containerId));
 * // Containers carry LABEL.* labels, so listContainers({ nodeName }) finds them after a restart.
 */
export type {
  ContainerInfo,
  ContainerKind,
  ContainerLabels,
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  ContainerStatusKind,
  ContainerSummary,
  ExecResult,
  ImageInfo,
  Mount,
  NodeResources,
  PortMapping,
  RuntimeEvent,
  RuntimeEventKind,
  RuntimeVersion,
  SandboxSpec,
} from './types';
export { LABEL } from './labels';
export { DockerRuntime, type DockerRuntimeOptions } from './docker-runtime';
export { PodBridge, type PodBridgeOptions } from './pod-network/pod-bridge';
export { SimulatedRuntime, SIMULATED_STOP_EXIT_CODE, type SimulatedRuntimeOptions } from './simulated-runtime';
