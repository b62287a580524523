import { TestkitError } from '../errors';

/** joinHollowNodes: the cloud refused a join, answered garbage, or its CA did not match the pin; context names the node. */
export class HollowJoinError extends TestkitError {
  readonly code = 'TESTKIT_HOLLOW_JOIN';
}

/** HollowFleet: bad options (no identities, bad rates), or used after stop. */
export class HollowFleetError extends TestkitError {
  readonly code = 'TESTKIT_HOLLOW_FLEET';
}

/** startTcpBalancer: bad options (no targets, bad port), or it could not listen. */
export class TcpBalancerError extends TestkitError {
  readonly code = 'TESTKIT_TCP_BALANCER';
}
