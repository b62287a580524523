/**
 * Which cloudcore replica serves a node: Lease `<namespace>/kedge-node-<node>`,
 * holderIdentity = the replica's serverId. The rule:
 *
 * 1. On connect (before welcome) a replica takes the lease when it is absent,
 *    already its own, released (no holder), or stale: not renewed for
 *    leaseDurationSeconds, judged by renewTime or, against clock skew, by
 *    seeing the same version unchanged that long.
 * 2. While another replica holds a live lease, the new connection waits (at
 *    most maxWaitMs, polling) for it to be released or go stale; then it is
 *    refused and the edge redials with its backoff.
 * 3. The holder renews the lease with the node Lease while connected. A
 *    renewal that finds another holder ends the session (REPLACED): the node
 *    is served elsewhere now.
 * 4. When the session ends (and no newer session of the node is on this
 *    replica), the holder releases the lease: a node moving between live
 *    replicas moves at once. A replica that dies releases nothing; its nodes
 *    are taken over once their leases go stale.
 *
 * Writes are replaces with the read resourceVersion, so two replicas racing
 * for one node cannot both win.
 */
import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../kube';

export const OWNERSHIP_LEASE_PREFIX = 'kedge-node-';

export interface OwnershipOptions {
  /** Namespace of the leases (cloudcore's namespace, kedge-system). */
  readonly namespace: string;
  /** This replica (serverId). */
  readonly replicaId: string;
  readonly durationSeconds: number;
  /** Longest wait for another replica's lease before refusing the connection, ms. Default 20,000 (under the edge's 30 s welcome timeout). */
  readonly maxWaitMs?: number;
  /** Re-read period while waiting, ms. Default 1,000. */
  readonly pollMs?: number;
}

export type Acquired = { ok: true; lease: V1Lease } | { ok: false; holder: string };

const leaseName = (nodeName: string) => `${OWNERSHIP_LEASE_PREFIX}${nodeName}`;
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export class NodeOwnership {
  constructor(
    private readonly api: CoordinationV1Api,
    private readonly options: OwnershipOptions,
  ) {}

  private spec(previous: V1Lease | undefined) {
    const now = new V1MicroTime();
    const taking = previous?.spec?.holderIdentity !== this.options.replicaId;
    return {
      holderIdentity: this.options.replicaId,
      leaseDurationSeconds: this.options.durationSeconds,
      renewTime: now,
      acquireTime: taking ? now : (previous?.spec?.acquireTime ?? now),
      leaseTransitions: (previous?.spec?.leaseTransitions ?? 0) + (taking && previous ? 1 : 0),
    };
  }

  private read(nodeName: string): Promise<V1Lease | undefined> {
    return this.api
      .readNamespacedLease({ name: leaseName(nodeName), namespace: this.options.namespace })
      .catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
  }

  private replace(lease: V1Lease, spec: V1Lease['spec']): Promise<V1Lease> {
    return this.api.replaceNamespacedLease({
      name: lease.metadata?.name ?? '',
      namespace: this.options.namespace,
      body: { ...lease, spec },
    });
  }

  /** Takes the node's lease by the rule above; `{ ok: false }` when another replica kept it for maxWaitMs. */
  async acquire(nodeName: string, signal: AbortSignal): Promise<Acquired> {
    const deadline = Date.now() + (this.options.maxWaitMs ?? 20_000);
    let seen: { version: string; since: number } | undefined;
    for (;;) {
      const lease = await this.read(nodeName);
      try {
        if (!lease) {
          const body: V1Lease = {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: leaseName(nodeName), namespace: this.options.namespace },
            spec: this.spec(undefined),
          };
          return { ok: true, lease: await this.api.createNamespacedLease({ namespace: this.options.namespace, body }) };
        }
        const version = lease.metadata?.resourceVersion ?? '';
        if (seen?.version !== version) seen = { version, since: Date.now() };
        if (this.isFree(lease, seen.since)) return { ok: true, lease: await this.replace(lease, this.spec(lease)) };
      } catch (err) {
        if (!isConflict(err)) throw err; // another replica wrote first: look again
        continue;
      }
      if (Date.now() >= deadline || signal.aborted) return { ok: false, holder: lease.spec?.holderIdentity ?? '' };
      await sleep(this.options.pollMs ?? 1_000, signal);
    }
  }

  private isFree(lease: V1Lease, unchangedSince: number): boolean {
    const holder = lease.spec?.holderIdentity;
    if (!holder || holder === this.options.replicaId) return true;
    const durationMs = (lease.spec?.leaseDurationSeconds ?? this.options.durationSeconds) * 1000;
    const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
    return Date.now() - renewed > durationMs || Date.now() - unchangedSince > durationMs;
  }

  /** Renews from `known`; 'lost' when another replica holds the lease now. */
  async renew(nodeName: string, known: V1Lease | undefined): Promise<V1Lease | 'lost'> {
    if (known) {
      try {
        return await this.replace(known, this.spec(known));
      } catch (err) {
        if (!isConflict(err) && !isNotFound(err)) throw err;
      }
    }
    const current = await this.read(nodeName);
    if (current?.spec?.holderIdentity && current.spec.holderIdentity !== this.options.replicaId) return 'lost';
    const acquired = await this.acquire(nodeName, new AbortController().signal);
    return acquired.ok ? acquired.lease : 'lost';
  }

  /** Clears the holder if it is still this replica, so another replica may take the node at once. */
  async release(nodeName: string): Promise<void> {
    const lease = await this.read(nodeName);
    if (lease?.spec?.holderIdentity !== this.options.replicaId) return;
    await this.replace(lease, { ...lease.spec, holderIdentity: '' }).catch((err: unknown) => {
      if (!isConflict(err) && !isNotFound(err)) throw err; // changed meanwhile: no longer ours to release
    });
  }

  /** The current holder, for logs and tests. */
  async holder(nodeName: string): Promise<string | undefined> {
    return (await this.read(nodeName))?.spec?.holderIdentity || undefined;
  }
}
