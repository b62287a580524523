/**
 * One timer per connected node renews its Lease in kube-node-lease, the
 * heartbeat Kubernetes controllers read. Which replica serves the node is
 * kept alive by the replica's own lease (ownership.ts), not per node.
 *
 * When renewals fell behind for longer than the Lease lasts (a busy API
 * server), the node lifecycle controller may have marked the connected node
 * Ready=Unknown, and nothing else would set it back before the edge's next
 * node status (up to five minutes): schedulers keep away from it meanwhile.
 * So the first renewal after such a gap reads the Node and, if it is not
 * Ready, writes Ready=True again, as a kubelet's status loop would.
 *
 * A renewal takes one of `renewSlots` (as many as the API connections kept
 * for renewals) before it is stamped: a renewal stamped first and then
 * queued for a connection arrives with a renewTime as old as its wait, and
 * with thousands queued that wait outlasted the Lease.
 */
import type { CoordinationV1Api, CoreV1Api, V1Node } from '@kubernetes/client-node';
import { errorMessage } from '../errors';
import type { EdgeSession } from '../hub';
import type { Logger } from '../log';
import type { MergePatch } from '../direct-api';
import { renewLease, type LeaseOptions } from './lease';
import { LANE_SOCKETS } from '../kubeconfig';
import { WriteSlots } from '../status/write-slots';
import { isReady, writeNodeStatus } from './node-object';

/**
 * Nodes checked at once. When the API server fell behind for the whole
 * fleet, every node needs its check together; a few at a time keep those
 * reads and writes from crowding out the pod statuses of the same moment.
 */
const readyChecks = new WriteSlots(4);

async function restoreReady(core: CoreV1Api, nodeName: string): Promise<boolean> {
  const release = await readyChecks.acquire();
  try {
    const node = await core.readNode({ name: nodeName });
    if (isReady(node)) return false;
    await writeNodeStatus(core, nodeName, {}, node);
    return true;
  } finally {
    release();
  }
}

export interface KeepaliveDeps {
  readonly coordination: CoordinationV1Api;
  readonly core: CoreV1Api;
  readonly lease: LeaseOptions;
  readonly log: Logger;
  /** Renewals without the generated client, when the API allows it. */
  readonly patch?: MergePatch;
  /** Renewals in flight, replica-wide. Default: one per heartbeat API connection. */
  readonly renewSlots?: WriteSlots;
}

const renewSlots = new WriteSlots(LANE_SOCKETS.heartbeat);

async function renewWhenSlotFree(deps: KeepaliveDeps, owner: V1Node, signal: AbortSignal): Promise<void> {
  const release = await (deps.renewSlots ?? renewSlots).acquire();
  try {
    if (signal.aborted) return; // the node left while its renewal waited
    await renewLease(deps.coordination, deps.core, owner, deps.lease, deps.patch);
  } finally {
    release();
  }
}

export function keepNodeAlive(deps: KeepaliveDeps, session: EdgeSession, node: V1Node): void {
  if (session.signal.aborted) return; // the node left while its lease was first written
  // Renewals need only the name and uid (the Lease's owner); not the whole Node for the session's life.
  const owner: V1Node = { metadata: { name: node.metadata?.name, uid: node.metadata?.uid } };
  const name = node.metadata?.name ?? session.nodeName;
  // A gap between renewals longer than the Lease lasts may have let it lapse.
  const lapseMs = deps.lease.durationSeconds * 1000;
  let renewedAt = Date.now();
  let checkReady = false;
  let checking = false;
  let busy = false;
  // The check runs beside the renewals, never in their way: a renewal waiting for it would
  // let the Lease lapse again, and with it more nodes would need checks.
  const checkReadyAgain = (gapMs: number): void => {
    checking = true;
    restoreReady(deps.core, name)
      .then((restored) => {
        checkReady = false;
        if (restored)
          deps.log.info('node was marked not Ready while its Lease renewals were late; marked Ready again', {
            node: name,
            gapMs,
          });
      })
      .catch((err: unknown) => {
        deps.log.warn('marking the node Ready again failed; trying with the next renewal', {
          node: name,
          error: errorMessage(err),
        });
      })
      .finally(() => (checking = false));
  };
  const timer = setInterval(() => {
    if (busy) return; // a slow API: skip a beat rather than pile up writes
    busy = true;
    renewWhenSlotFree(deps, owner, session.signal)
      .then(() => {
        const gapMs = Date.now() - renewedAt;
        renewedAt = Date.now();
        if (gapMs > lapseMs) checkReady = true;
        if (checkReady && !checking && !session.signal.aborted) checkReadyAgain(gapMs);
      })
      .catch((err: unknown) => {
        if (!session.signal.aborted)
          deps.log.warn('lease renewal failed', { node: session.nodeName, error: errorMessage(err) });
      })
      .finally(() => (busy = false));
  }, deps.lease.renewIntervalMs);
  session.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
