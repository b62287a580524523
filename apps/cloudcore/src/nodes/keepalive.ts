/**
 * One timer per connected node renews its Lease in kube-node-lease, the
 * heartbeat Kubernetes controllers read. Which replica serves the node is
 * kept alive by the replica's own lease (ownership.ts), not per node.
 */
import type { CoordinationV1Api, CoreV1Api, V1Node } from '@kubernetes/client-node';
import { errorMessage } from '../errors';
import type { EdgeSession } from '../hub';
import type { Logger } from '../log';
import type { MergePatch } from '../merge-patch';
import { renewLease, type LeaseOptions } from './lease';

export interface KeepaliveDeps {
  readonly coordination: CoordinationV1Api;
  readonly core: CoreV1Api;
  readonly lease: LeaseOptions;
  readonly log: Logger;
  /** Renewals without the generated client, when the API allows it. */
  readonly patch?: MergePatch;
}

export function keepNodeAlive(deps: KeepaliveDeps, session: EdgeSession, node: V1Node): void {
  if (session.signal.aborted) return; // the node left while its lease was first written
  // Renewals need only the name and uid (the Lease's owner); not the whole Node for the session's life.
  const owner: V1Node = { metadata: { name: node.metadata?.name, uid: node.metadata?.uid } };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return; // a slow API: skip a beat rather than pile up writes
    busy = true;
    renewLease(deps.coordination, deps.core, owner, deps.lease, deps.patch)
      .catch((err: unknown) => {
        if (!session.signal.aborted)
          deps.log.warn('lease renewal failed', { node: session.nodeName, error: errorMessage(err) });
      })
      .finally(() => (busy = false));
  }, deps.lease.renewIntervalMs);
  session.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
