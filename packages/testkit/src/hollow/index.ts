/**
 * Hollow edge nodes for scale tests: identities joined through the cloud's
 * real join endpoint, a fleet that starts and churns them, and a TCP
 * balancer that puts several cloudcore replicas behind one address.
 *
 * @example
 * const identities = await joinHollowNodes({ port, token, nodeNames: ['h-0', 'h-1'] });
 * const fleet = new HollowFleet({ identities, agentFactory: (id) => myAgent(id), startPerSecond: 100 });
 * await fleet.start();
 * console.log(fleet.stats()); // { connected, synced, bytesIn, ... }
 * await fleet.stop();
 */
export { buildCsr, generateNodeKey, type NodeKey } from './csr';
export { HollowFleetError, HollowJoinError, TcpBalancerError } from './errors';
export {
  HollowFleet,
  type ChurnOptions,
  type HollowAgent,
  type HollowAgentFactory,
  type HollowAgentStats,
  type HollowFleetOptions,
  type HollowFleetStats,
} from './fleet';
export { joinHollowNodes, type HollowIdentity, type JoinHollowNodesOptions } from './join';
export { startTcpBalancer, type BalancerTarget, type TcpBalancer, type TcpBalancerOptions } from './tcp-balancer';
