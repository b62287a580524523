/** The node ownership rule against a real API server (kube-lite). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../kubeconfig';
import { NodeOwnership, OWNERSHIP_LEASE_PREFIX } from './ownership';

const NAMESPACE = 'kedge-system';
let dir: string;
let kubeLite: KubeLite;
let api: CoordinationV1Api;

const replica = (replicaId: string, durationSeconds = 30) =>
  new NodeOwnership(api, { namespace: NAMESPACE, replicaId, durationSeconds, maxWaitMs: 600, pollMs: 100 });
const never = new AbortController().signal;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kedge-ownership-'));
  kubeLite = await startKubeLite({ dataDir: dir, port: 0, log: () => undefined, controllers: false });
  const kube = loadKubeConfig({ kubeconfig: kubeLite.kubeconfigPath }, {});
  api = kube.makeApiClient(CoordinationV1Api);
  await kube.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
}, 30_000);

afterAll(async () => {
  await kubeLite?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('node ownership lease', () => {
  it('creates the lease for the first replica and lets it renew', async () => {
    const a = replica('replica-a');
    const got = await a.acquire('n1', never);
    expect(got.ok).toBe(true);
    const lease = await api.readNamespacedLease({ name: `${OWNERSHIP_LEASE_PREFIX}n1`, namespace: NAMESPACE });
    expect(lease.spec?.holderIdentity).toBe('replica-a');
    const renewed = await a.renew('n1', got.ok ? got.lease : undefined);
    expect(renewed).not.toBe('lost');
  });

  it('keeps a live lease from another replica until it is released', async () => {
    const a = replica('replica-a');
    const b = replica('replica-b');
    expect((await a.acquire('n2', never)).ok).toBe(true);
    expect(await b.acquire('n2', never)).toEqual({ ok: false, holder: 'replica-a' });
    await a.release('n2');
    expect((await b.acquire('n2', never)).ok).toBe(true);
    expect(await b.holder('n2')).toBe('replica-b');
    // The old holder finds out at its next renewal.
    expect(await a.renew('n2', undefined)).toBe('lost');
  });

  it('takes over a lease that went stale, and the release of a non-holder changes nothing', async () => {
    const dead = replica('replica-dead', 1);
    expect((await dead.acquire('n3', never)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1_200));
    const b = replica('replica-b');
    expect((await b.acquire('n3', never)).ok).toBe(true);
    await dead.release('n3');
    expect(await b.holder('n3')).toBe('replica-b');
    const lease = await api.readNamespacedLease({ name: `${OWNERSHIP_LEASE_PREFIX}n3`, namespace: NAMESPACE });
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it('lets exactly one of two racing replicas win', async () => {
    const results = await Promise.all([
      replica('replica-a').acquire('n4', never),
      replica('replica-b').acquire('n4', never),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });
});
