export { DockerTestSetupError, ensureDockerTestImage, TEST_IMAGE } from './docker';
export { DOCKERD_LOG, restartDockerEngine } from './docker-engine';
export {
  startLaneControllerSim,
  LANE_CONTROLLER_LAYOUT,
  type LaneControllerSim,
  type LaneControllerSimOptions,
} from './modbus-sim';
export {
  TestkitError,
  NetworkPrerequisiteError,
  NetworkOptionsError,
  NetworkCommandError,
  DelayRelayError,
  ProxyStartError,
  ProcessStartError,
  ProcessExitedError,
  WaitTimeoutError,
} from './errors';
export {
  createEdgeNetwork,
  destroyAllNetworks,
  type EdgeNetwork,
  type EdgeNetworkOptions,
  type ShapeOptions,
} from './net/netns';
export { removeStaleNetworks } from './net/netns-cleanup';
export { edgeNetworkUnavailableReason } from './net/prerequisites';
export { startDelayRelay, type DelayRelay, type DelayRelayOptions } from './net/delay-relay';
export { canConnect, freePort, freePortBlock } from './net/ports';
export { startTinyproxy, type Tinyproxy, type TinyproxyOptions } from './proxy/tinyproxy';
export {
  startProcess,
  stopAll,
  runningProcesses,
  type ExitInfo,
  type ManagedProcess,
  type StartProcessOptions,
} from './proc/process';
export { repoRoot, tsxEntry } from './proc/repo-root';
export { waitFor, type WaitForOptions } from './proc/wait-for';
export * from './hollow';
