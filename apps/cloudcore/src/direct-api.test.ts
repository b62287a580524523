/** API calls without the generated client, against a real API server (kube-lite). */
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type Agent, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConflict, isNotFound } from './kube';
import { LANE_SOCKETS, PooledKubeConfig, loadKubeConfig, type AgentTlsOptions } from './kubeconfig';
import { directApi, directMergePatch } from './direct-api';
import { EDGE_ROLE_LABEL, LEASE_NAMESPACE, renewLease } from './nodes';
import { nodeOnConnect } from './nodes/node-object';

let dir: string;
let kubeLite: KubeLite;
let kube: KubeConfig;
let leases: CoordinationV1Api;
let core: CoreV1Api;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kedge-patch-'));
  kubeLite = await startKubeLite({ dataDir: dir, port: 0, log: () => undefined, controllers: false });
  kube = loadKubeConfig({ kubeconfig: kubeLite.kubeconfigPath }, {});
  leases = kube.makeApiClient(CoordinationV1Api);
  core = kube.makeApiClient(CoreV1Api);
}, 30_000);

afterAll(async () => {
  await kubeLite?.stop();
  await rm(dir, { recursive: true, force: true });
});

const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
const readLease = (name: string) => leases.readNamespacedLease({ name, namespace: LEASE_NAMESPACE });

describe('directMergePatch', () => {
  it('creates a missing node Lease, then renews it with a patch carrying microseconds', async () => {
    const patch = directMergePatch(kube)!;
    expect(patch).toBeTypeOf('function');
    const node: V1Node = { metadata: { name: 'edge-p1', uid: 'uid-p1' } };
    const options = { durationSeconds: 40, renewIntervalMs: 10_000 };
    await renewLease(leases, core, node, options, patch);
    const created = await readLease('edge-p1');
    expect(created.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'edge-p1', uid: 'uid-p1' });
    await new Promise((r) => setTimeout(r, 5));
    await renewLease(leases, core, node, options, patch);
    const renewed = await readLease('edge-p1');
    expect(renewed.spec).toMatchObject({ holderIdentity: 'edge-p1', leaseDurationSeconds: 40 });
    expect(new Date(renewed.spec!.renewTime!).getTime()).toBeGreaterThan(new Date(created.spec!.renewTime!).getTime());
    expect(Number(renewed.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
  });

  it('fails with the API status, so a missing object reads as not found', async () => {
    const patch = directMergePatch(kube)!;
    const err = await patch(`/apis/coordination.k8s.io/v1/namespaces/${LEASE_NAMESPACE}/leases/absent`, {
      spec: {},
    }).catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
  });

  it('keeps patching across a credentials refresh a minute later', async () => {
    let now = 0;
    const patch = directMergePatch(kube, () => now)!;
    const path = `/apis/coordination.k8s.io/v1/namespaces/${LEASE_NAMESPACE}/leases/edge-p1`;
    await patch(path, { spec: { holderIdentity: 'edge-p1' } });
    now += 61_000;
    await patch(path, { spec: { holderIdentity: 'edge-p1' } });
    expect((await readLease('edge-p1')).spec?.holderIdentity).toBe('edge-p1');
  });

  it('renews over its own connections while every bulk connection is held', async () => {
    const pooled = kube as PooledKubeConfig;
    const options: RequestOptions = {};
    await pooled.applyToHTTPSOptions(options);
    (options.agent as Agent | undefined)?.destroy();
    const bulk = pooled.pooledAgent(options as AgentTlsOptions);
    // Creating a missing Lease goes through the generated client (bulk); renewals do not.
    const node: V1Node = { metadata: { name: 'edge-p2', uid: 'uid-p2' } };
    const lease = { durationSeconds: 40, renewIntervalMs: 10_000 };
    await renewLease(leases, core, node, lease, directMergePatch(kube)!);
    const server = new URL(pooled.getCurrentCluster()!.server);
    // Watches hold their connections open: one more than the bulk lane has.
    const watches = Array.from({ length: LANE_SOCKETS.bulk + 1 }, () => {
      const req = request({
        ...options,
        agent: bulk,
        host: server.hostname,
        port: server.port,
        path: '/api/v1/namespaces/default/configmaps?watch=true',
      });
      req.on('error', () => undefined);
      req.end();
      return req;
    });
    try {
      const queued = () => Object.values(bulk.requests).reduce((n, list) => n + (list?.length ?? 0), 0);
      const held = () => Object.values(bulk.sockets).reduce((n, list) => n + (list?.length ?? 0), 0);
      const deadline = Date.now() + 10_000;
      while ((held() < LANE_SOCKETS.bulk || queued() < 1) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(held()).toBe(LANE_SOCKETS.bulk);
      expect(queued()).toBe(1);
      // Read in process: a read through the generated client would queue on the full bulk lane.
      const renewTime = () =>
        (kubeLite.api.get(LEASES, LEASE_NAMESPACE, 'edge-p2')?.spec as { renewTime?: string } | undefined)?.renewTime;
      const before = renewTime();
      await new Promise((r) => setTimeout(r, 5));
      const renewal = renewLease(leases, core, node, lease, directMergePatch(kube)!);
      const stuck = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('renewal queued behind bulk')), 2_000),
      );
      await Promise.race([renewal, stuck]);
      expect(renewTime()).not.toBe(before);
      expect(queued()).toBe(1); // the bulk lane is still full
    } finally {
      for (const req of watches) req.destroy();
    }
  }, 20_000);

  it('leaves proxied and plain-HTTP clusters, and kubeconfigs without a pool, to the generated client', () => {
    const with_ = (cluster: Record<string, unknown>, k: KubeConfig = new PooledKubeConfig()) => {
      k.loadFromOptions({
        clusters: [{ name: 'c', server: 'https://api.example:6443', ...cluster }],
        users: [{ name: 'u' }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
      return k;
    };
    expect(directMergePatch(with_({ proxyUrl: 'http://proxy:3128' }))).toBeUndefined();
    expect(directMergePatch(with_({ server: 'http://api.example:8080', skipTLSVerify: true }))).toBeUndefined();
    expect(directMergePatch(with_({}))).toBeTypeOf('function');
    expect(directMergePatch(with_({}, new KubeConfig()))).toBeUndefined();
  });
});

describe('directApi', () => {
  it('reads and replaces as plain JSON, with not-found and conflict errors the generated client would give', async () => {
    const api = directApi(kube, 'bulk')!;
    await core.createNode({ body: { metadata: { name: 'edge-d1', labels: { a: '1' } } } });
    const node = await api.get<V1Node>('/api/v1/nodes/edge-d1');
    expect(node.metadata).toMatchObject({ name: 'edge-d1', labels: { a: '1' } });
    expect(typeof node.metadata?.creationTimestamp).toBe('string');
    const replaced = await api.put<V1Node>('/api/v1/nodes/edge-d1', {
      ...node,
      metadata: { ...node.metadata, labels: { a: '2' } },
    });
    expect(replaced.metadata?.labels).toEqual({ a: '2' });
    // The version read before the replace is stale now.
    const stale = await api.put('/api/v1/nodes/edge-d1', node).catch((e: unknown) => e);
    expect(isConflict(stale)).toBe(true);
    expect(isNotFound(await api.get('/api/v1/nodes/absent').catch((e: unknown) => e))).toBe(true);
  });

  it('gives a connecting node its Node: created when absent, labelled when short of the edge labels', async () => {
    const api = directApi(kube, 'bulk')!;
    const created = await nodeOnConnect(core, api, 'edge-d2');
    expect(created.metadata?.labels).toMatchObject({ [EDGE_ROLE_LABEL]: '', 'kubernetes.io/hostname': 'edge-d2' });
    const asRead = await nodeOnConnect(core, api, 'edge-d2');
    expect(asRead.metadata?.uid).toBe(created.metadata?.uid);
    await core.createNode({ body: { metadata: { name: 'edge-d3' } } }); // made by hand before the edge came
    const labelled = await nodeOnConnect(core, api, 'edge-d3');
    expect(labelled.metadata?.labels).toMatchObject({ [EDGE_ROLE_LABEL]: '', 'kubernetes.io/hostname': 'edge-d3' });
  });
});
