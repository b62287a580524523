/**
 * Lease kube-node-lease/<node>, renewed while the node is connected (the
 * node heartbeat Kubernetes controllers read). When the session ends,
 * renewal stops and the lease lapses after leaseDurationSeconds.
 */
import type { CoordinationV1Api } from '@kubernetes/client-node';
import { V1MicroTime, type CoreV1Api, type V1Lease, type V1Node } from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../kube';

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
 * Creates or renews the lease, holder = the node name. `known` is the lease
 * this process wrote last: renewing from it costs one write instead of a read
 * and a write (at 30,000 nodes every 10 s that halves the API load); a
 * conflict or a missing lease falls back to reading.
 */
export async function renewLease(
  api: CoordinationV1Api,
  core: CoreV1Api,
  node: V1Node,
  options: LeaseOptions,
  known?: V1Lease,
): Promise<V1Lease> {
  const name = node.metadata?.name ?? '';
  const spec = { holderIdentity: name, leaseDurationSeconds: options.durationSeconds, renewTime: new V1MicroTime() };
  const replace = (lease: V1Lease) =>
    api.replaceNamespacedLease({
      name,
      namespace: LEASE_NAMESPACE,
      body: { ...lease, spec: { ...lease.spec, ...spec } },
    });
  if (known) {
    try {
      return await replace(known);
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  }
  let lease: V1Lease;
  try {
    lease = await api.readNamespacedLease({ name, namespace: LEASE_NAMESPACE });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const owner = node.metadata?.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] : undefined;
    return createLease(api, core, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: LEASE_NAMESPACE, ownerReferences: owner },
      spec,
    });
  }
  return replace(lease);
}
