/**
 * Pod status and pod deletion from the edge. Both check that the pod is
 * bound to the reporting node (a status for another node's pod closes the
 * session) and that the uid matches (an older incarnation's status is stale).
 */
import type { CoreV1Api, V1PodStatus } from '@kubernetes/client-node';
import type { StatusFrame } from '@kedge/protocol';
import type { NodeIndex } from '../edge-sync';
import { FrameRejectedError, errorMessage } from '../errors';
import type { EdgeSession } from '../hub/registry';
import { MERGE_PATCH, isConflict, isNotFound } from '../kube';
import type { StatusOutcome, StatusWriter } from './handlers';

type Bound = { ok: true; uid: string; terminating: boolean } | { ok: false };

function boundPod(index: NodeIndex, session: EdgeSession, frame: StatusFrame): Bound {
  if (frame.key.kind !== 'Pod') {
    throw new FrameRejectedError(
      'PROTOCOL_ERROR',
      'bad_status_key',
      `${frame.statusKind} must name a Pod, got kind ${frame.key.kind}`,
    );
  }
  const pod = index.bound('Pod', frame.key.namespace, frame.key.name);
  if (!pod || (frame.uid !== '' && frame.uid !== pod.uid)) return { ok: false };
  if (pod.node !== session.nodeName) {
    throw new FrameRejectedError(
      'UNAUTHORIZED',
      'not_bound_to_node',
      `pod ${frame.key.namespace}/${frame.key.name} is not bound to node ${session.nodeName}; a node reports only its own pods`,
    );
  }
  return { ok: true, uid: pod.uid, terminating: Boolean(pod.object.metadata?.deletionTimestamp) };
}

/** The body is a PodStatus, or a whole Pod whose status is taken. */
function parseStatus(body: Uint8Array): V1PodStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch (err) {
    throw new FrameRejectedError(
      'PROTOCOL_ERROR',
      'bad_status_body',
      `pod status body is not JSON: ${errorMessage(err)}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FrameRejectedError(
      'PROTOCOL_ERROR',
      'bad_status_body',
      'pod status body must be a JSON object (a PodStatus)',
    );
  }
  const record = parsed as Record<string, unknown>;
  return ('kind' in record || 'metadata' in record) && typeof record.status === 'object'
    ? (record.status as V1PodStatus)
    : (record as V1PodStatus);
}

export function podStatusWriter(core: CoreV1Api, indexReady: Promise<NodeIndex>): StatusWriter {
  return async (session, frame): Promise<StatusOutcome> => {
    const index = await indexReady;
    const status = parseStatus(frame.body);
    if (!boundPod(index, session, frame).ok) return 'stale';
    try {
      await core.patchNamespacedPodStatus(
        { name: frame.key.name, namespace: frame.key.namespace, body: { status } },
        MERGE_PATCH,
      );
      return 'written';
    } catch (err) {
      if (isNotFound(err)) return 'stale';
      throw err;
    }
  };
}

/** The edge's containers are gone: finish the graceful delete the cloud started (grace 0, uid precondition). */
export function podDeletedWriter(core: CoreV1Api, indexReady: Promise<NodeIndex>): StatusWriter {
  return async (session, frame): Promise<StatusOutcome> => {
    const index = await indexReady;
    const bound = boundPod(index, session, frame);
    if (!bound.ok || !bound.terminating) return 'stale';
    try {
      await core.deleteNamespacedPod({
        name: frame.key.name,
        namespace: frame.key.namespace,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid: bound.uid } },
      });
      return 'written';
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return 'stale';
      throw err;
    }
  };
}
