/**
 * The node's own status: capacity, addresses, nodeInfo, Ready.
 *
 * @example
 * const reporter = new NodeReporter({ nodeName, outbox, maxPods: 110, dataDir, agentVersion, runtimeVersion, log });
 * await reporter.run(signal);
 */
export { NodeReporter, type NodeReporterOptions } from './reporter';
export {
  buildNodeStatus,
  fingerprint,
  hostFacts,
  internalIp,
  kubernetesArch,
  osImage,
  type HostFacts,
  type NodeStatusBody,
  type NodeStatusInputs,
} from './info';
