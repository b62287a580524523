/**
 * Lease kube-node-lease/<node>, renewed while the node is connected (the
 * node heartbeat Kubernetes controllers read). When the session ends,
 * renewal stops and the lease lapses after leaseDurationSeconds.
 */
import {
  V1MicroTime,
  type CoordinationV1Api,
  type CoreV1Api,
  type V1Lease,
  type V1Node,
} from '@kubernetes/client-node';
import { MERGE_PATCH, isConflict, isNotFound } from '../kube';
import { leasePath, type MergePatch } from '../direct-api';

export const LEASE_NAMESPACE = 'kube-node-lease';

export interface LeaseOptions {
  readonly durationSeconds: number;
  readonly renewIntervalMs: number;
}

/** Creates the lease; when its namespace is missing (a bare API server), creates that first. */
async function createLease(api: CoordinationV1Api, core: CoreV1Api, body: V1Lease): Promise<V1Lease> {
  try {
    return await api.createNamespacedLease({ namespace: LEASE_NAMESPACE, body });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await core.createNamespace({ body: { metadata: { name: LEASE_NAMESPACE } } }).catch((e: unknown) => {
      if (!isConflict(e)) throw e;
    });
    return api.createNamespacedLease({ namespace: LEASE_NAMESPACE, body });
  }
}

/**
 * Creates or renews the lease, holder = the node name, with one merge patch
 * of its spec (a create only when it is missing). Only the node's serving
 * replica writes it, so there is nothing to guard with a resourceVersion: a
 * patch needs no read first and no copy of the lease kept per node. `patch`,
 * when given, sends it without the generated client (direct-api.ts).
 */
export async function renewLease(
  api: CoordinationV1Api,
  core: CoreV1Api,
  node: V1Node,
  options: LeaseOptions,
  patch?: MergePatch,
): Promise<void> {
  const name = node.metadata?.name ?? '';
  const spec = { holderIdentity: name, leaseDurationSeconds: options.durationSeconds, renewTime: new V1MicroTime() };
  try {
    if (patch) await patch(leasePath(LEASE_NAMESPACE, name), { spec });
    else await api.patchNamespacedLease({ name, namespace: LEASE_NAMESPACE, body: { spec } }, MERGE_PATCH);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const owner = node.metadata?.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] : undefined;
    await createLease(api, core, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: LEASE_NAMESPACE, ownerReferences: owner },
      spec,
    }).catch((createErr: unknown) => {
      if (!isConflict(createErr)) throw createErr; // created meanwhile: renewed by the next beat
    });
  }
}
