/** The node ownership rule, and replica liveness, against a real API server (kube-lite). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directApi, type DirectApi } from '../direct-api';
import { loadKubeConfig } from '../kubeconfig';
import { NodeOwnership, OWNERSHIP_LEASE_PREFIX, REPLICA_LEASE_PREFIX } from './ownership';

const NAMESPACE = 'kedge-system';
/** The same rules once more with the direct API, in a namespace of their own. */
const DIRECT_NAMESPACE = 'kedge-direct';
let dir: string;
let kubeLite: KubeLite;
let api: CoordinationV1Api;
let direct: DirectApi;
const never = new AbortController().signal;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kedge-ownership-'));
  kubeLite = await startKubeLite({ dataDir: dir, port: 0, log: () => undefined, controllers: false });
  const kube = loadKubeConfig({ kubeconfig: kubeLite.kubeconfigPath }, {});
  api = kube.makeApiClient(CoordinationV1Api);
  direct = directApi(kube, 'bulk')!;
  for (const name of [NAMESPACE, DIRECT_NAMESPACE])
    await kube.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
}, 30_000);

afterAll(async () => {
  await kubeLite?.stop();
  await rm(dir, { recursive: true, force: true });
});

// Every rule holds whether leases are read and replaced through the generated client or directly.
describe.each([
  { client: 'generated client', namespace: NAMESPACE, viaDirect: false },
  { client: 'direct API', namespace: DIRECT_NAMESPACE, viaDirect: true },
])('node ownership lease ($client)', ({ namespace, viaDirect }) => {
  const replica = (replicaId: string, durationSeconds = 30) =>
    new NodeOwnership(
      api,
      { namespace, replicaId, durationSeconds, maxWaitMs: 600, pollMs: 100 },
      viaDirect ? direct : undefined,
    );

  it('creates the lease for the first replica', async () => {
    const a = replica('replica-a');
    expect(await a.heartbeat()).toBe('alive');
    expect((await a.acquire('n1', never)).ok).toBe(true);
    const lease = await api.readNamespacedLease({ name: `${OWNERSHIP_LEASE_PREFIX}n1`, namespace });
    expect(lease.spec?.holderIdentity).toBe('replica-a');
    const own = await api.readNamespacedLease({ name: `${REPLICA_LEASE_PREFIX}replica-a`, namespace });
    expect(own.spec?.holderIdentity).toBe('replica-a');
  });

  it('keeps a node of a live replica until it is released', async () => {
    const a = replica('replica-a');
    const b = replica('replica-b');
    await a.heartbeat();
    expect((await a.acquire('n2', never)).ok).toBe(true);
    expect(await b.acquire('n2', never)).toEqual({ ok: false, holder: 'replica-a' });
    await a.release('n2');
    expect((await b.acquire('n2', never)).ok).toBe(true);
    expect(await b.holder('n2')).toBe('replica-b');
  });

  it('takes over the nodes of a replica whose lease went stale; its late release changes nothing', async () => {
    const dead = replica('replica-dead', 1);
    await dead.heartbeat();
    expect((await dead.acquire('n3', never)).ok).toBe(true);
    const b = replica('replica-b');
    expect((await b.acquire('n3', never)).ok).toBe(false); // alive for another second
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await b.acquire('n3', never)).ok).toBe(true);
    await dead.release('n3');
    expect(await b.holder('n3')).toBe('replica-b');
    const lease = await api.readNamespacedLease({ name: `${OWNERSHIP_LEASE_PREFIX}n3`, namespace });
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it('counts a holder without a replica lease as gone', async () => {
    expect((await replica('replica-ghost').acquire('n5', never)).ok).toBe(true);
    expect((await replica('replica-b').acquire('n5', never)).ok).toBe(true);
  });

  it('fences a replica whose own lease lapsed before it renewed it again', async () => {
    const slow = replica('replica-slow', 1);
    expect(await slow.heartbeat()).toBe('alive');
    expect(await slow.heartbeat()).toBe('alive');
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await slow.heartbeat()).toBe('fenced');
    expect(await slow.heartbeat()).toBe('alive');
  });

  it('joins a renewal in flight instead of writing the lease twice', async () => {
    const a = replica('replica-overlap');
    const first = a.heartbeat();
    expect(a.heartbeat()).toBe(first);
    expect(await first).toBe('alive');
    const next = a.heartbeat(); // the next interval writes again
    expect(next).not.toBe(first);
    expect(await next).toBe('alive');
  });

  it('lets exactly one of two racing replicas win', async () => {
    const a = replica('replica-a');
    const b = replica('replica-b');
    await Promise.all([a.heartbeat(), b.heartbeat()]);
    const results = await Promise.all([a.acquire('n4', never), b.acquire('n4', never)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('takes each node from the list made at start, and a stale copy costs only a read', async () => {
    const before = replica('replica-restart');
    await before.heartbeat();
    for (const node of ['p1', 'p2']) expect((await before.acquire(node, never)).ok).toBe(true);
    const reads: string[] = [];
    const counting = new Proxy(api, {
      get(target, key, receiver) {
        if (key === 'readNamespacedLease')
          return (param: { name: string; namespace: string }) => (
            reads.push(param.name),
            target.readNamespacedLease(param)
          );
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const countingDirect: DirectApi = {
      ...direct,
      get: <T>(path: string) => (reads.push(path.split('/').pop()!), direct.get<T>(path)),
    };
    const restarted = new NodeOwnership(
      counting,
      { namespace, replicaId: 'replica-restart', durationSeconds: 30 },
      viaDirect ? countingDirect : undefined,
    );
    expect(await restarted.prime()).toBeGreaterThanOrEqual(2);
    // p2 changes after the list: the copy is stale, the write conflicts and p2 is read once.
    const p2 = await api.readNamespacedLease({ name: `${OWNERSHIP_LEASE_PREFIX}p2`, namespace });
    await api.replaceNamespacedLease({ name: p2.metadata!.name!, namespace, body: p2 });
    expect((await restarted.acquire('p1', never)).ok).toBe(true);
    expect((await restarted.acquire('p2', never)).ok).toBe(true);
    expect(reads).toEqual([`${OWNERSHIP_LEASE_PREFIX}p2`]);
    expect(await restarted.holder('p2')).toBe('replica-restart');
  });
});
