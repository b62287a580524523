/**
 * One timer per connected node renews what proves this replica serves it:
 * first the ownership lease (losing it ends the session: the node is served
 * by another replica now), then the node Lease in kube-node-lease.
 */
import type { CoordinationV1Api, CoreV1Api, V1Lease, V1Node } from '@kubernetes/client-node';
import { errorMessage } from '../errors';
import type { EdgeSession } from '../hub';
import type { Logger } from '../log';
import { renewLease, type LeaseOptions } from './lease';
import type { NodeOwnership } from './ownership';

export interface KeepaliveDeps {
  readonly coordination: CoordinationV1Api;
  readonly core: CoreV1Api;
  readonly ownership: NodeOwnership;
  readonly lease: LeaseOptions;
  readonly log: Logger;
}

export function keepNodeAlive(
  deps: KeepaliveDeps,
  session: EdgeSession,
  node: V1Node,
  leases: { ownership: V1Lease; node: V1Lease },
): void {
  if (session.signal.aborted) return; // the node left while its leases were first written
  // Renewals need only the name and uid (the Lease's owner); not the whole Node for the session's life.
  const owner: V1Node = { metadata: { name: node.metadata?.name, uid: node.metadata?.uid } };
  let ownership: V1Lease | undefined = leases.ownership;
  let nodeLease: V1Lease | undefined = leases.node;
  let busy = false;
  const tick = async () => {
    const renewed = await deps.ownership.renew(session.nodeName, ownership);
    if (renewed === 'lost') {
      ownership = undefined;
      clearInterval(timer);
      deps.log.warn('node is served by another replica now; closing this session', { node: session.nodeName });
      session.close('REPLACED', 'another cloudcore replica serves this node now');
      return;
    }
    ownership = renewed;
    nodeLease = await renewLease(deps.coordination, deps.core, owner, deps.lease, nodeLease).catch((err: unknown) => {
      nodeLease = undefined;
      throw err;
    });
  };
  const timer = setInterval(() => {
    if (busy) return; // a slow API: skip a beat rather than pile up writes
    busy = true;
    tick()
      .catch((err: unknown) => {
        if (!session.signal.aborted)
          deps.log.warn('lease renewal failed', { node: session.nodeName, error: errorMessage(err) });
      })
      .finally(() => (busy = false));
  }, deps.lease.renewIntervalMs);
  session.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
