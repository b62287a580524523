/**
 * The devices module against kube-lite: CRDs installed at start, reported
 * twins written to the DeviceStatus (owned by its Device), and a Device
 * moved to another node leaving the first.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { hashTokenSecret, type Frame, type ObjectFrame } from '@kedge/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDCORE_MODULES, runModules } from '../app';
import { buildConfig } from '../config';
import { createContext, type CloudContext } from '../context';
import { loadKubeConfig } from '../kubeconfig';
import { silentLogger } from '../log';
import { TestEdge, eventually, joinNode, type NodeCredentials } from '../testing/test-edge';
import { deviceStatusFor, installDeviceCrds, mergeTwins } from '.';
import { StatusCache } from './status-cache';

const EXAMPLE = join(import.meta.dirname, '../../../../deploy/crds/devices/examples/lane-controller.yaml');
const GROUP = { group: 'devices.kubeedge.io', version: 'v1beta1', namespace: 'default' };
const isObject =
  (name: string, event: string) =>
  (f: Frame): f is Frame & ObjectFrame =>
    f.type === 'object' && f.name === name && f.eventType === event;

interface Obj {
  metadata: { name: string; uid?: string; resourceVersion?: string; ownerReferences?: Record<string, unknown>[] };
  spec: Record<string, unknown>;
  status?: { state?: string; lastOnlineTime?: string; twins?: Record<string, unknown>[] };
}

let dir: string;
let kubeLite: KubeLite;
let ctx: CloudContext;
let custom: CustomObjectsApi;
let port: number;
let stop: AbortController;
let running: Promise<void>;
let nodes: Record<string, NodeCredentials>;

async function connect(node: string): Promise<TestEdge> {
  const edge = await TestEdge.connect(port, nodes[node] as NodeCredentials);
  edge.hello(node);
  await edge.waitFor((f) => f.type === 'welcome');
  edge.send({ type: 'manifest', entries: [], part: 0, complete: true });
  await edge.waitFor((f) => f.type === 'syncComplete');
  return edge;
}

const report = (edge: TestEdge, uid: string, sequence: number, body: object) =>
  edge.send({
    type: 'status',
    statusKind: 'deviceTwinReported',
    key: { kind: 'Device', namespace: 'default', name: 'lane-1' },
    uid,
    sequence,
    body: new TextEncoder().encode(JSON.stringify(body)),
  });

const acked = (sequence: number) => (f: Frame) =>
  f.type === 'statusAck' && f.entries.some((e) => e.key.kind === 'Device' && e.sequence === sequence);

const get = async (plural: string, name = 'lane-1') =>
  (await custom.getNamespacedCustomObject({ ...GROUP, plural, name })) as Obj;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudcore-devices-'));
  kubeLite = await startKubeLite({ dataDir: join(dir, 'kube'), port: 0, log: () => undefined });
  const kube = loadKubeConfig({ kubeconfig: kubeLite.kubeconfigPath }, {});
  const config = buildConfig({}, { listen: '127.0.0.1:0', healthListen: '127.0.0.1:0' });
  ctx = createContext(config, kube, silentLogger);
  custom = kube.makeApiClient(CustomObjectsApi);
  stop = new AbortController();
  running = runModules(ctx, CLOUDCORE_MODULES, stop.signal);
  port = (await ctx.listening.promise).port;
  const secret = (s: string) => Buffer.from(s).toString('base64');
  await kube.makeApiClient(CoreV1Api).createNamespacedSecret({
    namespace: 'kedge-system',
    body: {
      metadata: { name: 'bootstrap-token-abcdef' },
      type: 'kedge.io/bootstrap-token',
      data: {
        'token-id': secret('abcdef'),
        'token-secret-sha256': secret(hashTokenSecret('0123456789abcdef')),
        expiration: secret(new Date(Date.now() + 3600_000).toISOString()),
      },
    },
  });
  nodes = {};
  for (const node of ['edge-1', 'edge-2']) nodes[node] = await joinNode(port, node, 'abcdef.0123456789abcdef');
}, 60_000);

afterAll(async () => {
  stop?.abort();
  await running;
  await kubeLite?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('devices module against kube-lite', () => {
  it('installs the device CRDs at start, and leaves present ones alone', async () => {
    const extensions = ctx.kube.makeApiClient(ApiextensionsV1Api);
    const names = await eventually(async () => {
      const list = await extensions.listCustomResourceDefinition();
      const found = list.items.map((c) => c.metadata?.name).filter((n) => n?.endsWith('.devices.kubeedge.io'));
      return found.length === 3 ? found.sort() : undefined;
    });
    expect(names).toEqual([
      'devicemodels.devices.kubeedge.io',
      'devices.devices.kubeedge.io',
      'devicestatuses.devices.kubeedge.io',
    ]);
    expect(Object.values(await installDeviceCrds(custom, silentLogger))).toEqual(['present', 'present', 'present']);
    // Fields the typed CRD model spells differently arrive intact.
    const crds = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };
    const devices = await custom.getClusterCustomObject({ ...crds, name: 'devices.devices.kubeedge.io' });
    expect(JSON.stringify(devices)).toContain('"x-kubernetes-preserve-unknown-fields":true');
  });

  it('writes reported twins, observed desired values, state and last-online time into an owned DeviceStatus', async () => {
    const [model, device] = parseAllDocuments(await readFile(EXAMPLE, 'utf8')).map((d) => d.toJS() as Obj);
    await eventually(async () =>
      custom.createNamespacedCustomObject({ ...GROUP, plural: 'devicemodels', body: model }),
    );
    const lane = { ...device, spec: { ...device?.spec, nodeName: 'edge-1' } };
    await custom.createNamespacedCustomObject({ ...GROUP, plural: 'devices', body: lane });
    const edge = await connect('edge-1');
    const frame = await edge.waitFor(isObject('lane-1', 'ADDED'));
    edge.ackAll();
    const before = await get('devices');
    // Left over from an earlier lane-1 (garbage collection may not have run yet): replaced, not written to.
    const leftover = deviceStatusFor({ metadata: { name: 'lane-1', namespace: 'default', uid: 'earlier-lane-1' } });
    await custom.createNamespacedCustomObject({ ...GROUP, plural: 'devicestatuses', body: leftover });

    report(edge, frame.uid, 1, {
      twins: [
        { propertyName: 'temperature', reported: { value: '23.5', metadata: { timestamp: '1' } } },
        { propertyName: 'barrier', observedDesired: { value: 'false', metadata: { timestamp: '1' } } },
      ],
      state: 'online',
      lastOnlineTime: '2026-11-27T10:00:00Z',
    });
    await edge.waitFor(acked(1));
    report(edge, frame.uid, 2, {
      twins: [{ propertyName: 'barrier', reported: { value: 'true', metadata: { timestamp: '2' } } }],
    });
    await edge.waitFor(acked(2));

    const status = await get('devicestatuses');
    expect(status.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Device', name: 'lane-1', uid: frame.uid, controller: true }),
    ]);
    expect(status.status).toMatchObject({ state: 'online', lastOnlineTime: '2026-11-27T10:00:00Z' });
    expect(status.status?.twins).toEqual([
      { propertyName: 'temperature', reported: { value: '23.5', metadata: { timestamp: '1' } } },
      {
        propertyName: 'barrier',
        observedDesired: { value: 'false', metadata: { timestamp: '1' } },
        reported: { value: 'true', metadata: { timestamp: '2' } },
      },
    ]);
    // Someone else writes in between: the next report must not overwrite it from a stale copy.
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...GROUP,
        plural: 'devicestatuses',
        name: 'lane-1',
        body: {
          status: {
            twins: [...(status.status?.twins ?? []), { propertyName: 'vehicle-count', reported: { value: '7' } }],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    report(edge, frame.uid, 3, { twins: [{ propertyName: 'temperature', reported: { value: '24' } }] });
    await edge.waitFor(acked(3));
    expect((await get('devicestatuses')).status?.twins).toEqual([
      { propertyName: 'temperature', reported: { value: '24' } },
      expect.objectContaining({ propertyName: 'barrier' }),
      { propertyName: 'vehicle-count', reported: { value: '7' } },
    ]);
    // The Device is not rewritten, so nothing travels back down to the edge.
    expect((await get('devices')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(edge.frames.filter(isObject('lane-1', 'MODIFIED'))).toEqual([]);
    await edge.close();
  }, 30_000);

  it('moves a Device to another node: the first node loses it and may no longer report it', async () => {
    const edge1 = await connect('edge-1');
    const edge2 = await connect('edge-2');
    expect(edge2.frames.some(isObject('lane-1', 'ADDED'))).toBe(false);
    const patch = { spec: { nodeName: 'edge-2' } };
    await custom.patchNamespacedCustomObject(
      { ...GROUP, plural: 'devices', name: 'lane-1', body: patch },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const deleted = await edge1.waitFor(isObject('lane-1', 'DELETED'));
    const added = await edge2.waitFor(isObject('lane-1', 'ADDED'));
    expect(added.uid).toBe(deleted.uid);
    edge1.ackAll();
    edge2.ackAll();
    report(edge1, deleted.uid, 4, { twins: [{ propertyName: 'barrier', reported: { value: 'false' } }] });
    await eventually(async () => edge1.closed, 5000, 'edge-1 closed for reporting a device it lost');
    expect(edge1.closed?.code).toBe(1008);
    expect((await get('devicestatuses')).status?.twins?.[1]).toMatchObject({ reported: { value: 'true' } });
    await edge2.close();
  }, 30_000);
});

describe('mergeTwins', () => {
  it('merges by propertyName and drops twins of properties the Device no longer has', () => {
    const current = [
      { propertyName: 'a', reported: { value: '1' } },
      { propertyName: 'old', reported: { value: '9' } },
    ];
    const merged = mergeTwins(current, [{ propertyName: 'a', observedDesired: { value: '2' } }], ['a', 'b']);
    expect(merged).toEqual([{ propertyName: 'a', reported: { value: '1' }, observedDesired: { value: '2' } }]);
    expect(mergeTwins(current, [])).toEqual(current);
  });
});

describe('StatusCache', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new StatusCache(2);
    cache.set('a', { resourceVersion: '1', twins: [] });
    cache.set('b', { resourceVersion: '2', twins: [] });
    expect(cache.get('a')?.resourceVersion).toBe('1'); // a is now the most recent
    cache.set('c', { resourceVersion: '3', twins: [] });
    expect([cache.get('a')?.resourceVersion, cache.get('b'), cache.get('c')?.resourceVersion]).toEqual([
      '1',
      undefined,
      '3',
    ]);
    expect(cache.size).toBe(2);
  });
});

describe('installDeviceCrds', () => {
  const failing = (code: number) => ({
    createClusterCustomObject: () => Promise.reject(new ApiException(code, 'refused', '{}', {})),
  });

  it('carries on, naming the fix, when it may not create CRDs', async () => {
    const lines: string[] = [];
    const log = {
      ...silentLogger,
      warn: (msg: string, fields?: object) => lines.push(`${msg} ${JSON.stringify(fields)}`),
    };
    const outcomes = await installDeviceCrds(failing(403), log);
    expect(Object.values(outcomes)).toEqual(['forbidden', 'forbidden', 'forbidden']);
    expect(lines[0]).toContain('kubectl apply -f deploy/crds/devices/');
  });

  it('rejects with API_UNAVAILABLE on other failures', async () => {
    await expect(installDeviceCrds(failing(500), silentLogger)).rejects.toMatchObject({ code: 'API_UNAVAILABLE' });
  });
});
