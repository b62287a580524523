/**
 * cloudcore end to end against kube-lite: a real API server, real TLS, a
 * real node certificate from cloudcore's own join endpoint, and a tiny edge
 * made of `ws` and @kedge/protocol.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1CustomResourceDefinition,
  type V1Pod,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { hashTokenSecret, manifestDigest, type Frame, type ManifestEntry, type ObjectFrame } from '@kedge/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDCORE_MODULES, runModules } from './app';
import { loadOrCreateCa } from './auth';
import { buildConfig } from './config';
import { createContext, type CloudContext } from './context';
import { loadKubeConfig } from './kubeconfig';
import { silentLogger } from './log';
import { TestEdge, eventually, httpsCall, joinNode, makeCsr, type NodeCredentials } from './testing/test-edge';

const TOKEN = 'abcdef.0123456789abcdef';
const CRDS = join(import.meta.dirname, '../../../deploy/crds/devices');
const isObject =
  (name: string, event?: string) =>
  (f: Frame): f is Frame & ObjectFrame =>
    f.type === 'object' && f.name === name && (event === undefined || f.eventType === event);

let dir: string;
let kubeLite: KubeLite;
let core: CoreV1Api;
let ctx: CloudContext;
let port: number;
let stop: AbortController;
let running: Promise<void>;
let edge1: NodeCredentials;

const pod = (name: string, nodeName: string, extra: Partial<V1Pod['spec']> = {}): V1Pod => ({
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'c', image: 'kedge.local/busybox:1' }], ...extra },
});

async function connectEdge(creds: NodeCredentials, manifest: ManifestEntry[] = []): Promise<TestEdge> {
  const edge = await TestEdge.connect(port, creds);
  edge.hello(creds.nodeName);
  await edge.waitFor((f) => f.type === 'welcome');
  edge.send({ type: 'manifest', entries: manifest, part: 0, complete: true });
  return edge;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudcore-test-'));
  kubeLite = await startKubeLite({ dataDir: join(dir, 'kube'), port: 0, log: () => undefined });
  const kube = loadKubeConfig({ kubeconfig: kubeLite.kubeconfigPath }, {});
  const extensions = kube.makeApiClient(ApiextensionsV1Api);
  for (const file of ['devices.kubeedge.io_devices.yaml', 'devices.kubeedge.io_devicemodels.yaml']) {
    const body = parseAllDocuments(await readFile(join(CRDS, file), 'utf8'))[0]?.toJS() as V1CustomResourceDefinition;
    await extensions.createCustomResourceDefinition({ body });
  }
  core = kube.makeApiClient(CoreV1Api);
  const config = buildConfig(
    {},
    {
      listen: '127.0.0.1:0',
      healthListen: '127.0.0.1:0',
      leaseRenewIntervalMs: '1000',
      handshakeTimeoutMs: '1500',
      maxConcurrentHandshakes: '2',
      handshakeQueueSize: '1',
    },
  );
  ctx = createContext(config, kube, silentLogger);
  stop = new AbortController();
  running = runModules(ctx, CLOUDCORE_MODULES, stop.signal);
  port = (await ctx.listening.promise).port;
  await ctx.index.promise;
  const secret = (s: string) => Buffer.from(s).toString('base64');
  await core.createNamespacedSecret({
    namespace: 'kedge-system',
    body: {
      metadata: { name: 'bootstrap-token-abcdef', labels: { 'kedge.io/bootstrap-token': 'true' } },
      type: 'kedge.io/bootstrap-token',
      data: {
        'token-id': secret('abcdef'),
        'token-secret-sha256': secret(hashTokenSecret('0123456789abcdef')),
        expiration: secret(new Date(Date.now() + 3600_000).toISOString()),
      },
    },
  });
  edge1 = await joinNode(port, 'edge-1', TOKEN, { 'kedge.io/site': 'gantry-7' });
}, 60_000);

afterAll(async () => {
  stop?.abort();
  await running;
  await kubeLite?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('cloudcore against kube-lite', () => {
  it('shares one CA between replicas that race to create it', async () => {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(() => loadOrCreateCa(core, 'kedge-race', silentLogger)));
    expect(b?.certPem).toBe(a?.certPem);
    expect(c?.certPem).toBe(a?.certPem);
    const again = await loadOrCreateCa(core, 'kedge-system', silentLogger);
    expect(again.certPem).toBe(edge1.caPem);
  });

  it('refuses joins with a wrong token, naming the cause', async () => {
    const { csrPem } = await makeCsr('edge-x');
    const reply = await httpsCall(port, 'POST', '/v1/join', {
      ca: edge1.caPem,
      body: { token: 'abcdef.ffffffffffffffff', nodeName: 'edge-x', csrPem },
    });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'TOKEN_MISMATCH' });
  });

  it('connects a joined node: Node Ready with labels, Lease renewed, objects delivered and acked', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'conf' }, data: { k: 'v' } },
    });
    await core.createNamespacedPod({ namespace: 'default', body: pod('other-pod', 'edge-2') });
    const edge = await connectEdge(edge1);
    expect(await edge.waitFor((f) => f.type === 'welcome')).toMatchObject({ compression: 'permessage-deflate' });
    await edge.waitFor((f) => f.type === 'syncComplete');
    const node = await eventually(async () => {
      const n = await core.readNode({ name: 'edge-1' });
      return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? n : undefined;
    });
    expect(node.metadata?.labels).toMatchObject({
      'kedge.io/site': 'gantry-7',
      'node-role.kubernetes.io/edge': '',
      'kubernetes.io/hostname': 'edge-1',
    });
    const coordination = ctx.kube.makeApiClient(CoordinationV1Api);
    const lease = await coordination.readNamespacedLease({ name: 'edge-1', namespace: 'kube-node-lease' });
    expect(lease.spec?.holderIdentity).toBe('edge-1');

    // Node status from the edge: capacity and nodeInfo land in nodes/status, arch/os become labels.
    const nodeStatus = {
      capacity: { cpu: '4', memory: '1Gi', pods: '110' },
      nodeInfo: {
        architecture: 'arm64',
        operatingSystem: 'linux',
        kubeletVersion: 'kedge',
        containerRuntimeVersion: 'docker://20.10.24',
      },
    };
    edge.send({
      type: 'status',
      statusKind: 'nodeStatus',
      key: { kind: 'Node', namespace: '', name: 'edge-1' },
      uid: '',
      sequence: 1,
      body: new TextEncoder().encode(JSON.stringify(nodeStatus)),
    });
    await edge.waitFor((f) => f.type === 'statusAck' && f.entries[0]?.key.kind === 'Node');
    const reported = await core.readNode({ name: 'edge-1' });
    expect(reported.status?.capacity).toMatchObject({ cpu: '4', pods: '110' });
    expect(reported.metadata?.labels).toMatchObject({ 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux' });
    expect(reported.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    await core.createNamespacedPod({
      namespace: 'default',
      body: pod('web', 'edge-1', { volumes: [{ name: 'v', configMap: { name: 'conf' } }] }),
    });
    const podFrame = await edge.waitFor(isObject('web', 'ADDED'));
    const confFrame = await edge.waitFor(isObject('conf', 'ADDED'));
    expect(edge.frames.indexOf(confFrame)).toBeLessThan(edge.frames.indexOf(podFrame));
    expect(edge.frames.some(isObject('other-pod'))).toBe(false);
    const body = JSON.parse(new TextDecoder().decode(podFrame.body)) as V1Pod;
    expect(body.metadata?.managedFields).toBeUndefined();
    edge.ackAll();
    const session = ctx.sessions.get('edge-1');
    await eventually(async () => (session?.queueStats().inFlight === 0 ? true : undefined));
    // Wire bytes of an open session are sampled at scrape time.
    ctx.metrics.beforeScrape.forEach((sample) => sample());
    const wire = await ctx.metrics.registry.getSingleMetricAsString('kedge_cloudcore_node_wire_bytes_total');
    expect(wire).toMatch(/\{node="edge-1",direction="out"\} [1-9]/);

    // A status frame is written to pods/status, then acked.
    const statusBody = new TextEncoder().encode(JSON.stringify({ phase: 'Running', podIP: '10.1.0.5' }));
    edge.send({
      type: 'status',
      statusKind: 'podStatus',
      key: { kind: 'Pod', namespace: 'default', name: 'web' },
      uid: podFrame.uid,
      sequence: 1,
      body: statusBody,
    });
    await edge.waitFor((f) => f.type === 'statusAck' && f.entries[0]?.key.kind === 'Pod');
    expect((await core.readNamespacedPod({ name: 'web', namespace: 'default' })).status?.phase).toBe('Running');

    // Graceful delete: the edge learns of it, reports its containers gone, the pod disappears.
    await core.deleteNamespacedPod({ name: 'web', namespace: 'default' });
    await edge.waitFor(
      (f) =>
        isObject('web', 'MODIFIED')(f) &&
        JSON.parse(new TextDecoder().decode(f.body)).metadata?.deletionTimestamp !== undefined,
    );
    edge.ackAll();
    edge.send({
      type: 'status',
      statusKind: 'podDeleted',
      key: { kind: 'Pod', namespace: 'default', name: 'web' },
      uid: podFrame.uid,
      sequence: 2,
      body: new Uint8Array(),
    });
    await eventually(
      async () =>
        core.readNamespacedPod({ name: 'web', namespace: 'default' }).then(
          () => undefined,
          () => true,
        ),
      10_000,
      'pod deleted',
    );
    await edge.waitFor(isObject('web', 'DELETED'));
    await edge.close();
  }, 30_000);

  it('on reconnect sends only the difference to the manifest', async () => {
    const held = await core.readNamespacedConfigMap({ name: 'conf', namespace: 'default' });
    const created = await core.createNamespacedPod({
      namespace: 'default',
      body: pod('api', 'edge-1', { volumes: [{ name: 'v', configMap: { name: 'conf' } }] }),
    });
    const manifest = [
      { uid: held.metadata?.uid ?? '', resourceVersion: held.metadata?.resourceVersion ?? '', contentHash: '' },
      { uid: 'uid-of-something-gone', resourceVersion: '7', contentHash: '' },
    ];
    const edge = await connectEdge(edge1, manifest);
    const done = await edge.waitFor((f) => f.type === 'syncComplete');
    const objects = edge.frames.filter((f): f is Frame & ObjectFrame => f.type === 'object');
    expect(objects.map((f) => `${f.eventType} ${f.name}`)).toEqual(['ADDED api']);
    expect(objects[0]?.uid).toBe(created.metadata?.uid);
    expect(done).toMatchObject({ deletedUids: ['uid-of-something-gone'], sentCount: 1 });
    await edge.close();
  }, 20_000);

  it('resumes by digest, and does not resend a pod whose status alone changed', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('digest', 'edge-1') });
    const first = await connectEdge(edge1);
    await first.waitFor((f) => f.type === 'syncComplete');
    const delivered = () => first.frames.filter((f): f is Frame & ObjectFrame => f.type === 'object');
    const podFrame = await first.waitFor((f): f is Frame & ObjectFrame => f.type === 'object' && f.name === 'digest');
    first.ackAll();
    // A status write bumps the resourceVersion; the wire body, which has no status, is the same.
    await core.patchNamespacedPodStatus(
      { name: 'digest', namespace: 'default', body: { status: { phase: 'Running' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // A label is a real change: it is the next frame for the pod, with nothing in between.
    await core.patchNamespacedPod(
      { name: 'digest', namespace: 'default', body: { metadata: { labels: { tier: 'edge' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await first.waitFor((f) => f.type === 'object' && f.name === 'digest' && f.eventType === 'MODIFIED');
    const forPod = delivered().filter((f) => f.name === 'digest');
    expect(forPod.map((f) => f.eventType)).toEqual(['ADDED', 'MODIFIED']);
    expect(forPod[1]?.contentHash).not.toBe(podFrame.contentHash);
    first.ackAll();
    await eventually(async () => (ctx.sessions.get('edge-1')?.queueStats().inFlight === 0 ? true : undefined));
    await first.close();

    // What the edge now holds, latest frame per uid, summed up as an edgecore would.
    const holding = new Map(delivered().map((f) => [f.uid, f.contentHash]));
    const digest = manifestDigest([...holding].map(([uid, contentHash]) => ({ uid, contentHash })));
    const again = await TestEdge.connect(port, edge1);
    again.hello('edge-1', digest);
    expect(await again.waitFor((f) => f.type === 'welcome')).toMatchObject({ manifestDigestMatched: true });
    // Nothing follows welcome: no syncComplete, no objects; a label change then arrives as usual.
    await core.patchNamespacedPod(
      { name: 'digest', namespace: 'default', body: { metadata: { labels: { tier: 'core' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const next = await again.waitFor((f): f is Frame & ObjectFrame => f.type === 'object');
    expect(next).toMatchObject({ name: 'digest', eventType: 'MODIFIED' });
    expect(again.frames.map((f) => f.type)).toEqual(['welcome', 'object']);
    await again.close();

    // A stale digest: welcome asks for the manifest.
    const stale = await TestEdge.connect(port, edge1);
    stale.hello('edge-1', 'sha256:stale');
    expect(await stale.waitFor((f) => f.type === 'welcome')).toMatchObject({ manifestDigestMatched: false });
    await stale.close();
    await core.deleteNamespacedPod({ name: 'digest', namespace: 'default', gracePeriodSeconds: 0 });
  }, 30_000);

  it('renews a certificate for the CN of the presented certificate only', async () => {
    const { csrPem, keyPem } = await makeCsr('edge-1');
    const tls = { ca: edge1.caPem, cert: edge1.certPem, key: edge1.keyPem };
    const reply = await httpsCall(port, 'POST', '/v1/renew', { ...tls, body: { csrPem } });
    expect(reply.status).toBe(200);
    const certPem = (JSON.parse(reply.body) as { certificatePem: string }).certificatePem;
    expect(new X509Certificate(certPem).subject).toContain('CN=edge-1');
    const renewed = await connectEdge({ ...edge1, certPem, keyPem });
    await renewed.waitFor((f) => f.type === 'syncComplete');
    await renewed.close();
    const foreign = await makeCsr('edge-9');
    const refused = await httpsCall(port, 'POST', '/v1/renew', { ...tls, body: { csrPem: foreign.csrPem } });
    expect([refused.status, JSON.parse(refused.body).code]).toEqual([400, 'NODE_NAME_INVALID']);
    const anonymous = await httpsCall(port, 'POST', '/v1/renew', { ca: edge1.caPem, body: { csrPem } });
    expect([anonymous.status, JSON.parse(anonymous.body).code]).toEqual([401, 'CLIENT_CERT_REQUIRED']);
  }, 20_000);

  it('closes a connection that never says hello', async () => {
    const silent = await TestEdge.connect(port, edge1);
    await eventually(async () => silent.closed, 5000, 'handshake timeout');
    expect(silent.closed?.code).toBe(1002);
    expect(silent.frames.at(-1)).toMatchObject({ type: 'close', code: 'PROTOCOL_ERROR' });
  }, 10_000);

  it('sends a node its Devices and their DeviceModel, and writes reported twins to its DeviceStatus', async () => {
    const custom = ctx.kube.makeApiClient(CustomObjectsApi);
    const [model, device] = parseAllDocuments(await readFile(join(CRDS, 'examples/lane-controller.yaml'), 'utf8')).map(
      (doc) => doc.toJS() as { metadata: { name: string }; spec: Record<string, unknown> },
    );
    const group = { group: 'devices.kubeedge.io', version: 'v1beta1', namespace: 'default' };
    await custom.createNamespacedCustomObject({ ...group, plural: 'devicemodels', body: model });
    const lane = { ...device, spec: { ...device?.spec, nodeName: 'edge-1' } };
    await custom.createNamespacedCustomObject({ ...group, plural: 'devices', body: lane });
    const foreign = { ...device, metadata: { name: 'lane-9' }, spec: { ...device?.spec, nodeName: 'edge-2' } };
    await custom.createNamespacedCustomObject({ ...group, plural: 'devices', body: foreign });
    const edge = await connectEdge(edge1);
    await edge.waitFor((f) => f.type === 'syncComplete');
    const deviceFrame = await edge.waitFor(isObject('lane-1', 'ADDED'));
    expect(deviceFrame).toMatchObject({ kind: 'Device', apiVersion: 'devices.kubeedge.io/v1beta1' });
    const modelFrame = await edge.waitFor(isObject('lane-controller', 'ADDED'));
    expect(edge.frames.indexOf(modelFrame)).toBeLessThan(edge.frames.indexOf(deviceFrame));
    expect(edge.frames.some(isObject('lane-9'))).toBe(false);
    edge.ackAll();
    const reported = {
      twins: [{ propertyName: 'temperature', reported: { value: '23.5', metadata: { timestamp: '1764230000000' } } }],
      state: 'online',
    };
    edge.send({
      type: 'status',
      statusKind: 'deviceTwinReported',
      key: { kind: 'Device', namespace: 'default', name: 'lane-1' },
      uid: deviceFrame.uid,
      sequence: 1,
      body: new TextEncoder().encode(JSON.stringify(reported)),
    });
    await edge.waitFor((f) => f.type === 'statusAck' && f.entries[0]?.key.kind === 'Device');
    const stored = (await custom.getNamespacedCustomObject({ ...group, plural: 'devicestatuses', name: 'lane-1' })) as {
      status?: { state?: string; twins?: { propertyName: string; reported?: { value: string } }[] };
    };
    expect(stored.status?.state).toBe('online');
    expect(stored.status?.twins).toEqual([
      expect.objectContaining({ propertyName: 'temperature', reported: expect.objectContaining({ value: '23.5' }) }),
    ]);
    await edge.close();
  }, 20_000);

  it('bounds handshakes: a full gate queues, a full queue refuses with 503 and a time to come back', async () => {
    const silent = [await TestEdge.connect(port, edge1), await TestEdge.connect(port, edge1)]; // hold both slots
    const queued = TestEdge.connect(port, edge1); // waits for a slot
    await eventually(async () =>
      (await ctx.metrics.handshakesQueued.get()).values[0]?.value === 1 ? true : undefined,
    );
    // Two slots are taken to serve two a second: the one waiting is through in 0.5 s, so come back in 1 s.
    await expect(TestEdge.connect(port, edge1)).rejects.toThrow(/HTTP 503 \(Retry-After 1\)/);
    // The silent ones time out, the queued one gets its slot.
    const late = await queued;
    late.hello('edge-1');
    await late.waitFor((f) => f.type === 'welcome');
    await eventually(
      async () => (silent.every((edge) => edge.closed?.code === 1002) ? true : undefined),
      5000,
      'timeouts',
    );
    await late.close();
  }, 15_000);

  it('answers the edge-tolerations webhook: pods for edge nodes tolerate eviction taints forever', async () => {
    const review = (spec: Record<string, unknown>) => ({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u-1',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        operation: 'CREATE',
        object: {
          spec: {
            ...spec,
            tolerations: [
              {
                key: 'node.kubernetes.io/unreachable',
                operator: 'Exists',
                effect: 'NoExecute',
                tolerationSeconds: 300,
              },
            ],
          },
        },
      },
    });
    // edge-1 joined above, so its Node carries the edge role label.
    const edgeReply = await httpsCall(port, 'POST', '/admission/edge-tolerations', {
      ca: edge1.caPem,
      body: review({ nodeName: 'edge-1' }),
    });
    expect(edgeReply.status).toBe(200);
    const answer = JSON.parse(edgeReply.body) as { response: { uid: string; allowed: boolean; patch?: string } };
    expect(answer.response).toMatchObject({ uid: 'u-1', allowed: true, patchType: 'JSONPatch' });
    const patch = JSON.parse(Buffer.from(answer.response.patch ?? '', 'base64').toString('utf8')) as {
      value: { key: string; tolerationSeconds?: number }[];
    }[];
    expect(patch[0]?.value.map((t) => [t.key, t.tolerationSeconds])).toEqual([
      ['node.kubernetes.io/unreachable', undefined],
      ['node.kubernetes.io/not-ready', undefined],
    ]);

    const cloudReply = await httpsCall(port, 'POST', '/admission/edge-tolerations', {
      ca: edge1.caPem,
      body: review({ nodeName: 'some-cloud-node' }),
    });
    expect(JSON.parse(cloudReply.body)).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u-1', allowed: true },
    });

    const badReply = await httpsCall(port, 'POST', '/admission/edge-tolerations', {
      ca: edge1.caPem,
      body: { kind: 'x' },
    });
    expect(badReply.status).toBe(400);
    expect(JSON.parse(badReply.body)).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses a connection without a client certificate', async () => {
    await expect(TestEdge.connect(port, { caPem: edge1.caPem })).rejects.toThrow(/HTTP 401/);
    const metrics = await ctx.metrics.registry.getSingleMetricAsString('kedge_cloudcore_handshakes_refused_total');
    expect(metrics).toContain('reason="no_client_cert"');
  });

  it('closes only the connection that sent a malformed frame', async () => {
    const edge2 = await joinNode(port, 'edge-2', TOKEN);
    const good = await connectEdge(edge1);
    await good.waitFor((f) => f.type === 'syncComplete');
    const bad = await connectEdge(edge2);
    await bad.waitFor((f) => f.type === 'syncComplete');
    bad.ws.send(Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]));
    await eventually(async () => bad.closed, 5000, 'bad connection closed');
    expect(bad.closed?.code).toBe(1002);
    expect(bad.frames.at(-1)).toMatchObject({ type: 'close', code: 'PROTOCOL_ERROR' });
    // The other node still gets its objects.
    await core.createNamespacedPod({ namespace: 'default', body: pod('after', 'edge-1') });
    await good.waitFor(isObject('after', 'ADDED'));
    expect(good.closed).toBeUndefined();
    // A status for another node's pod is refused and closes that session.
    good.send({
      type: 'status',
      statusKind: 'podStatus',
      key: { kind: 'Pod', namespace: 'default', name: 'other-pod' },
      uid: '',
      sequence: 1,
      body: new TextEncoder().encode('{}'),
    });
    await eventually(async () => good.closed, 5000, 'unauthorised status closes the session');
    expect(good.closed?.code).toBe(1008);
    const text = await ctx.metrics.registry.metrics();
    expect(text).toMatch(/kedge_cloudcore_rejected_frames_total\{reason="not_bound_to_node"\} 1/);
    expect(text).toMatch(/kedge_cloudcore_node_payload_bytes_total\{node="edge-1",direction="out"\} [1-9]/);
    expect(text).toMatch(/kedge_cloudcore_node_wire_bytes_total\{node="edge-1",direction="out"\} [1-9]/);
    const value = (metric: string, node: string, direction: string) =>
      Number(new RegExp(`${metric}\\{node="${node}",direction="${direction}"\\} (\\d+)`).exec(text)?.[1]);
    // Small frames travel uncompressed, so the wire (TLS records, handshake, WebSocket framing) carries more.
    expect(value('kedge_cloudcore_node_wire_bytes_total', 'edge-2', 'in')).toBeGreaterThan(
      value('kedge_cloudcore_node_payload_bytes_total', 'edge-2', 'in'),
    );
  }, 20_000);
});
