/**
 * Which cloudcore replica serves a node: Lease `<namespace>/kedge-node-<node>`,
 * holderIdentity = the replica's serverId, written when a node connects and
 * when it leaves, never renewed. Whether its holder is alive is one Lease per
 * replica, `<namespace>/kedge-replica-<serverId>`, renewed every interval:
 * the API cost of ownership does not grow with the number of nodes. The rule:
 *
 * 1. On connect (before welcome) a replica takes the node's lease when it is
 *    absent, already its own, released (no holder), or held by a replica
 *    that is not alive: its replica lease absent, or not renewed for
 *    leaseDurationSeconds (judged by renewTime or, against clock skew, by
 *    seeing the same version unchanged that long).
 * 2. While a live replica holds the node, the new connection waits (at most
 *    maxWaitMs, polling) for it to be released or for that replica to die;
 *    then it is refused and the edge redials with its backoff.
 * 3. A replica that could not renew its own lease for leaseDurationSeconds
 *    may have lost its nodes to others: it closes every session (fencing),
 *    and the edges reconnect to whoever serves them now.
 * 4. When a session ends (and no newer session of the node is on this
 *    replica), the holder releases the node's lease: a node moving between
 *    live replicas moves at once. A replica that dies releases nothing; its
 *    nodes are taken over once its replica lease goes stale.
 *
 * Writes are replaces with the read resourceVersion, so two replicas racing
 * for one node cannot both win. A replica that starts lists the node leases
 * once (prime) and takes each node's first connection from that copy: after a
 * restart every node reconnects at once, and the list saves a read per node.
 * A copy gone stale only costs a conflict, then a read.
 */
import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { leasePath, type DirectApi } from '../direct-api';
import { isConflict, isNotFound } from '../kube';

export const OWNERSHIP_LEASE_PREFIX = 'kedge-node-';
export const REPLICA_LEASE_PREFIX = 'kedge-replica-';

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
const replicaLeaseName = (replicaId: string) => `${REPLICA_LEASE_PREFIX}${replicaId}`;
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
  /** Replica lease versions seen, and since when (clock-skew guard of isAlive). */
  private readonly replicaVersions = new Map<string, { version: string; since: number }>();
  private replicaLease: V1Lease | undefined;
  private lastHeartbeat = 0;
  private beating: Promise<'alive' | 'fenced'> | undefined;
  /** Node leases as listed at start, each used once by the node's first acquire. */
  private readonly primed = new Map<string, V1Lease>();

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly options: OwnershipOptions,
    /** Reads and replaces without the generated client, when the API allows it: one of each per connect. */
    private readonly direct?: DirectApi,
  ) {}

  private spec(previous: V1Lease | undefined) {
    const now = new V1MicroTime();
    const taking = previous?.spec?.holderIdentity !== this.options.replicaId;
    return {
      holderIdentity: this.options.replicaId,
      leaseDurationSeconds: this.options.durationSeconds,
      renewTime: now,
      // Kept in MicroTime form: read through the generated client it is a plain Date, which
      // would go out with milliseconds, and a MicroTime needs six digits.
      acquireTime: taking || !previous?.spec?.acquireTime ? now : new V1MicroTime(previous.spec.acquireTime),
      leaseTransitions: (previous?.spec?.leaseTransitions ?? 0) + (taking && previous ? 1 : 0),
    };
  }

  private read(nodeName: string): Promise<V1Lease | undefined> {
    return this.readLease(leaseName(nodeName));
  }

  private readLease(name: string): Promise<V1Lease | undefined> {
    const read = this.direct
      ? this.direct.get<V1Lease>(leasePath(this.options.namespace, name))
      : this.api.readNamespacedLease({ name, namespace: this.options.namespace });
    return read.catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
  }

  private create(name: string, spec: V1Lease['spec']): Promise<V1Lease> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: this.options.namespace },
      spec,
    };
    return this.api.createNamespacedLease({ namespace: this.options.namespace, body });
  }

  private replace(lease: V1Lease, spec: V1Lease['spec']): Promise<V1Lease> {
    const name = lease.metadata?.name ?? '';
    const body = { ...lease, spec };
    if (this.direct) return this.direct.put<V1Lease>(leasePath(this.options.namespace, name), body);
    return this.api.replaceNamespacedLease({ name, namespace: this.options.namespace, body });
  }

  /**
   * Lists the node leases so that each node's first acquire needs no read.
   * The copies are dropped after `forgetAfterMs`: by then the reconnects a
   * start brings are over and a copy would only be a stale guess.
   */
  async prime(forgetAfterMs = 120_000): Promise<number> {
    const list = await this.api.listNamespacedLease({ namespace: this.options.namespace });
    for (const lease of list.items) {
      const name = lease.metadata?.name ?? '';
      if (name.startsWith(OWNERSHIP_LEASE_PREFIX)) this.primed.set(name.slice(OWNERSHIP_LEASE_PREFIX.length), lease);
    }
    setTimeout(() => this.primed.clear(), forgetAfterMs).unref();
    return this.primed.size;
  }

  /** Takes the node's lease by the rule above; `{ ok: false }` when another replica kept it for maxWaitMs. */
  async acquire(nodeName: string, signal: AbortSignal): Promise<Acquired> {
    const deadline = Date.now() + (this.options.maxWaitMs ?? 20_000);
    let guess = this.primed.get(nodeName);
    this.primed.delete(nodeName);
    for (;;) {
      const lease = guess ?? (await this.read(nodeName));
      guess = undefined;
      try {
        if (!lease) return { ok: true, lease: await this.create(leaseName(nodeName), this.spec(undefined)) };
        if (await this.isFree(lease)) return { ok: true, lease: await this.replace(lease, this.spec(lease)) };
      } catch (err) {
        if (!isConflict(err)) throw err; // another replica wrote first: look again
        continue;
      }
      if (Date.now() >= deadline || signal.aborted) return { ok: false, holder: lease.spec?.holderIdentity ?? '' };
      await sleep(this.options.pollMs ?? 1_000, signal);
    }
  }

  /** Free for this replica: no holder, this replica, or a holder that is not alive. */
  private async isFree(lease: V1Lease): Promise<boolean> {
    const holder = lease.spec?.holderIdentity;
    if (!holder || holder === this.options.replicaId) return true;
    return !(await this.isAlive(holder));
  }

  /**
   * Whether `replicaId` renewed its replica lease within its duration. A
   * version seen unchanged for that long also counts as stale, so a holder
   * whose clock runs behind is still found dead.
   */
  private async isAlive(replicaId: string): Promise<boolean> {
    const lease = await this.readLease(replicaLeaseName(replicaId));
    if (!lease) return false;
    const now = Date.now();
    const durationMs = (lease.spec?.leaseDurationSeconds ?? this.options.durationSeconds) * 1000;
    const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
    const version = lease.metadata?.resourceVersion ?? '';
    let seen = this.replicaVersions.get(replicaId);
    if (seen?.version !== version) {
      seen = { version, since: now };
      this.replicaVersions.set(replicaId, seen);
    }
    return now - renewed <= durationMs && now - seen.since <= durationMs;
  }

  /**
   * Renews this replica's lease (creating it at first). Resolves 'fenced'
   * when the previous successful renewal is older than the lease duration:
   * other replicas may have taken this replica's nodes meanwhile. A call
   * while a renewal is in flight (an API slower than the interval) joins it
   * rather than writing the same lease twice, which would only conflict.
   */
  heartbeat(): Promise<'alive' | 'fenced'> {
    this.beating ??= this.renewReplicaLease().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async renewReplicaLease(): Promise<'alive' | 'fenced'> {
    const name = replicaLeaseName(this.options.replicaId);
    const fenced = this.lastHeartbeat !== 0 && Date.now() - this.lastHeartbeat > this.options.durationSeconds * 1000;
    const spec = { ...this.spec(this.replicaLease), leaseTransitions: undefined };
    try {
      this.replicaLease = this.replicaLease
        ? await this.replace(this.replicaLease, spec)
        : await this.create(name, spec);
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
      // Written by an earlier run of this replica, or deleted: start from what is there.
      const current = await this.readLease(name);
      this.replicaLease = current ? await this.replace(current, spec) : await this.create(name, spec);
    }
    this.lastHeartbeat = Date.now();
    return fenced ? 'fenced' : 'alive';
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
