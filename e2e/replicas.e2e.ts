// Two cloudcore replicas behind one address (the testkit TCP balancer) share
// a fleet of hollow edge nodes (edgecore's real hub client, store and pod
// manager). Each node's ownership Lease names the replica serving it. One
// replica is killed -9 under load: its nodes reconnect through the balancer
// to the survivor, which takes their leases once they go stale; every node
// is served again and no pod restarts at the edge.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, waitFor } from '@kedge/testkit';
import { startCluster, TOKEN, type Cluster } from '@kedge/bench/scale/cluster';
import { HollowPool } from '@kedge/bench/scale/hollow-pool';
import { applyWorkload, ClusterWatch, FLEET_LABEL } from '@kedge/bench/scale/workload';

const NODES = 60;
const PODS_PER_NODE = 2;
const fleet = `r${Date.now().toString(36)}`;
const names = Array.from({ length: NODES }, (_, i) => `hollow-${fleet}-${i}`);
let cluster: Cluster;
let dir: string;
let watch: ClusterWatch;
const pool = new HollowPool();

async function holders(): Promise<Map<string, string>> {
  const api = cluster.kube.makeApiClient(CoordinationV1Api);
  const list = await api.listNamespacedLease({ namespace: 'kedge-system' });
  const out = new Map<string, string>();
  for (const lease of list.items) {
    const node = lease.metadata?.name?.replace(/^kedge-node-/, '') ?? '';
    if (names.includes(node)) out.set(node, lease.spec?.holderIdentity ?? '');
  }
  return out;
}

beforeAll(async () => {
  dir = join(repoRoot(), 'tmp', 'e2e-replicas', fleet);
  mkdirSync(dir, { recursive: true });
  cluster = await startCluster({
    replicas: 2,
    dir,
    leaseDurationSeconds: 10,
    leaseRenewIntervalMs: 3_000,
    kubeconfig: process.env.E2E_KUBECONFIG || undefined,
  });
  watch = new ClusterWatch(cluster.kube, fleet);
  await watch.start();
  await pool.start([
    {
      joinHost: '127.0.0.1',
      joinPort: cluster.edgePort,
      token: TOKEN,
      nodeNames: names,
      labels: { [FLEET_LABEL]: fleet },
      url: `wss://127.0.0.1:${cluster.edgePort}/v1/connect`,
      startPerSecond: 50,
      compression: true,
    },
  ]);
  await waitFor(async () => (await pool.stats()).synced === NODES && watch.readyNodes.size === NODES, {
    description: `${NODES} hollow nodes synced and Ready`,
    timeoutMs: 90_000,
    intervalMs: 500,
  });
}, 180_000);

afterAll(async () => {
  watch?.stop();
  await pool.stop();
  await cluster?.stop();
  rmSync(join(dir, 'kube-lite'), { recursive: true, force: true }); // logs stay, the store goes
}, 60_000);

describe('cloudcore replicas sharing a fleet', () => {
  it('spreads the nodes over both replicas, each owning its nodes by Lease', async () => {
    const owned = await waitFor(
      async () => {
        const h = await holders();
        return h.size === NODES && [...h.values()].every((v) => v.startsWith('cloudcore-')) ? h : undefined;
      },
      { description: 'an ownership lease per node', timeoutMs: 20_000 },
    );
    const counts = new Map<string, number>();
    for (const holder of owned.values()) counts.set(holder, (counts.get(holder) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['cloudcore-0', 'cloudcore-1']);
    expect(cluster.balancer?.forwarded.every((n) => n > 0)).toBe(true);
  });

  it('runs the workload on every node', async () => {
    const since = Date.now();
    const expected = await applyWorkload(cluster.kube, fleet, NODES, PODS_PER_NODE);
    await waitFor(() => watch.podsSince(since).running >= expected, {
      description: `${expected} pods Running`,
      timeoutMs: 90_000,
      intervalMs: 500,
    });
  }, 120_000);

  it('serves every node again after one replica dies, without restarting a pod', async () => {
    pool.mark();
    const before = await pool.stats();
    const victim = cluster.replicas[1]!;
    const ownedByVictim = [...(await holders())].filter(([, h]) => h === victim.id).map(([n]) => n);
    expect(ownedByVictim.length).toBeGreaterThan(0);
    await victim.process.kill9();
    await waitFor(
      async () => {
        const h = await holders();
        return ownedByVictim.every((n) => h.get(n) === 'cloudcore-0');
      },
      {
        description: `the survivor owns the ${ownedByVictim.length} nodes of the dead replica`,
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    const after = await waitFor(
      async () => {
        const s = await pool.stats();
        return s.synced === NODES && s.syncedSinceMark >= ownedByVictim.length ? s : undefined;
      },
      { description: 'every node synced again', timeoutMs: 60_000, intervalMs: 500 },
    );
    await waitFor(() => ownedByVictim.every((n) => watch.readyNodes.has(n)), {
      description: 'moved nodes Ready',
      timeoutMs: 30_000,
    });
    expect(after.containerStarts - before.containerStarts).toBe(0);
    // The manifest made the survivor send nothing the nodes already held.
    expect(after.objectsReceived - before.objectsReceived).toBe(0);
  }, 150_000);
});
