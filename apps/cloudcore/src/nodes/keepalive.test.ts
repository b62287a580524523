/** Node Lease renewals, and Ready set again after renewals fell behind, against a real API server (kube-lite). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeSession } from '../hub';
import { loadKubeConfig } from '../kubeconfig';
import { silentLogger } from '../log';
import { directMergePatch, type MergePatch } from '../direct-api';
import { eventually } from '../testing/test-edge';
import { keepNodeAlive } from './keepalive';
import { renewLease } from './lease';
import { ensureNode, isReady, writeNodeStatus } from './node-object';
import { WriteSlots } from '../status/write-slots';

let dir: string;
let kubeLite: KubeLite;
let core: CoreV1Api;
let coordination: CoordinationV1Api;
let patch: MergePatch;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kedge-keepalive-'));
  kubeLite = await startKubeLite({ dataDir: dir, port: 0, log: () => undefined, controllers: false });
  const kube = loadKubeConfig({ kubeconfig: kubeLite.kubeconfigPath }, {});
  core = kube.makeApiClient(CoreV1Api);
  coordination = kube.makeApiClient(CoordinationV1Api);
  patch = directMergePatch(kube)!;
}, 30_000);

afterAll(async () => {
  await kubeLite?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** What a node lifecycle controller does to a node whose Lease lapsed. */
async function markUnknown(name: string): Promise<void> {
  const node = await core.readNode({ name });
  const conditions = (node.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown' } : c));
  await core.replaceNodeStatus({ name, body: { ...node, status: { ...node.status, conditions } } });
}

async function connectedNode(name: string): Promise<{ node: V1Node; session: EdgeSession; leave: () => void }> {
  const node = await writeNodeStatus(core, name, {}, await ensureNode(core, name, {}));
  const lease = { durationSeconds: 1, renewIntervalMs: 100 };
  await renewLease(coordination, core, node, lease, patch);
  const abort = new AbortController();
  return { node, session: { nodeName: name, signal: abort.signal } as EdgeSession, leave: () => abort.abort() };
}

describe('keepNodeAlive', () => {
  it('marks a connected node Ready again when its renewals fell behind its Lease', async () => {
    const { node, session, leave } = await connectedNode('edge-late');
    let stall: Promise<void> | undefined;
    const slowPatch: MergePatch = async (path, body) => {
      await stall;
      return patch(path, body);
    };
    let release!: () => void;
    stall = new Promise<void>((resolve) => (release = resolve));
    keepNodeAlive(
      { coordination, core, lease: { durationSeconds: 1, renewIntervalMs: 100 }, log: silentLogger, patch: slowPatch },
      session,
      node,
    );
    await markUnknown('edge-late'); // the Lease lapsed while the renewal was stuck
    await new Promise((r) => setTimeout(r, 1_200));
    expect(isReady(await core.readNode({ name: 'edge-late' }))).toBe(false);
    stall = undefined;
    release();
    await eventually(async () => isReady(await core.readNode({ name: 'edge-late' })) || undefined, 5_000, 'Ready');
    leave();
  }, 20_000);

  it('keeps renewing while the Ready check after a gap waits for the API', async () => {
    const { node, session, leave } = await connectedNode('edge-checking');
    let stall: Promise<void> | undefined = new Promise<void>((resolve) => setTimeout(resolve, 1_200));
    let renewals = 0;
    const countingPatch: MergePatch = async (path, body) => {
      await stall;
      renewals++;
      return patch(path, body);
    };
    // The Node read of the Ready check never answers.
    const stuckCore = new Proxy(core, {
      get: (target, key, receiver) =>
        key === 'readNode' ? () => new Promise<never>(() => undefined) : Reflect.get(target, key, receiver),
    });
    keepNodeAlive(
      {
        coordination,
        core: stuckCore,
        lease: { durationSeconds: 1, renewIntervalMs: 100 },
        log: silentLogger,
        patch: countingPatch,
      },
      session,
      node,
    );
    await new Promise((r) => setTimeout(r, 1_300)); // the first renewal took longer than the Lease lasts
    stall = undefined;
    const before = renewals;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(renewals - before).toBeGreaterThanOrEqual(3);
    leave();
  }, 20_000);

  it('stamps a renewal when it gets a connection slot, not when it starts waiting for one', async () => {
    const first = await connectedNode('edge-slot-a');
    const second = await connectedNode('edge-slot-b');
    const stamped: { node: string; at: number; renewTime: number }[] = [];
    const slowPatch: MergePatch = async (path, body) => {
      const node = path.split('/').pop()!;
      const renewTime = Date.parse(String((body as { spec: { renewTime: unknown } }).spec.renewTime));
      stamped.push({ node, at: Date.now(), renewTime });
      await new Promise((r) => setTimeout(r, 1_500)); // a busy API server
      return patch(path, body);
    };
    // One slot: the second node's renewal waits for the first's.
    const deps = {
      coordination,
      core,
      lease: { durationSeconds: 10, renewIntervalMs: 100 },
      log: silentLogger,
      patch: slowPatch,
      renewSlots: new WriteSlots(1),
    };
    keepNodeAlive(deps, first.session, first.node);
    keepNodeAlive(deps, second.session, second.node);
    await eventually(async () => stamped.find((s) => s.node === 'edge-slot-b'), 5_000, 'second renewal');
    first.leave();
    second.leave();
    // renewTime has whole seconds: a stamp made at the send is less than one old; one made
    // before waiting for the first node's 1.5 s renewal is older.
    for (const s of stamped) expect(s.at - s.renewTime).toBeLessThan(1_200);
    // ...and the second waited for the slot rather than in the connection pool's queue.
    const [a, b] = ['edge-slot-a', 'edge-slot-b'].map((n) => stamped.find((s) => s.node === n)!);
    expect(Math.abs(b!.at - a!.at)).toBeGreaterThanOrEqual(1_400);
  }, 20_000);

  it('leaves Ready alone while renewals keep up', async () => {
    const { node, session, leave } = await connectedNode('edge-steady');
    keepNodeAlive(
      // A 10 s Lease: renewals every 100 ms never fall 10 s behind here.
      { coordination, core, lease: { durationSeconds: 10, renewIntervalMs: 100 }, log: silentLogger, patch },
      session,
      node,
    );
    await new Promise((r) => setTimeout(r, 300));
    await markUnknown('edge-steady'); // not from a lapse this replica could see: the edge's status loop answers it
    await new Promise((r) => setTimeout(r, 500));
    expect(isReady(await core.readNode({ name: 'edge-steady' }))).toBe(false);
    leave();
  }, 20_000);
});
