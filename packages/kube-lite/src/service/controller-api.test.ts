// ControllerApi on a real store (no HTTP): the contract the controllers use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControllerApi, KubeObject, WatchEvent } from '../controllers/api';
import type { ApiError } from '../errors';
import { withDefaults } from '../options';
import type { ApiServerHandle } from '../server/start';
import { startApiServer } from '../server/start';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const CMS = { group: '', version: 'v1', resource: 'configmaps' };
const EVENTS = { group: '', version: 'v1', resource: 'events' };

let dir: string;
let server: ApiServerHandle;
let api: ControllerApi;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kube-lite-api-'));
  server = await startApiServer(withDefaults({ dataDir: dir, port: 0, log: () => {} }));
  api = server.api;
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const pod = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('InProcessApi', () => {
  it('creates with defaults, hands out copies and throws ApiError reasons', () => {
    const created = api.create(PODS, pod('a'));
    expect(created.metadata.uid).toBeDefined();
    created.metadata.labels = { mutated: 'yes' };
    expect(api.get(PODS, 'default', 'a')!.metadata.labels).toEqual({});
    expect(() => api.create(PODS, pod('a'))).toThrow(expect.objectContaining({ reason: 'AlreadyExists' }) as ApiError);
    const stale = { ...created, metadata: { ...created.metadata, resourceVersion: '1' } };
    expect(() => api.update(PODS, stale)).toThrow(expect.objectContaining({ reason: 'Conflict' }) as ApiError);
  });

  it('updateStatus writes only status; update keeps status', () => {
    const created = api.create(PODS, pod('s'));
    const withStatus = api.updateStatus(PODS, { ...created, spec: { containers: [] }, status: { phase: 'Running' } });
    expect([
      (withStatus.status as { phase: string }).phase,
      (withStatus.spec as { containers: unknown[] }).containers.length,
    ]).toEqual(['Running', 1]);
    const relabelled = api.update(PODS, {
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { x: 'y' } },
      status: { phase: 'Failed' },
    });
    expect((relabelled.status as { phase: string }).phase).toBe('Running');
  });

  it('binds a pod through pods/binding', () => {
    api.create(PODS, pod('b'));
    api.create(
      { ...PODS, resource: 'pods/binding' },
      {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: 'b', namespace: 'default' },
        target: { kind: 'Node', name: 'edge-1' },
      },
    );
    const bound = api.get(PODS, 'default', 'b')!;
    expect((bound.spec as { nodeName: string }).nodeName).toBe('edge-1');
    expect((bound.status as { conditions: { type: string; status: string }[] }).conditions).toContainEqual(
      expect.objectContaining({ type: 'PodScheduled', status: 'True' }),
    );
  });

  it('watches in order from a resourceVersion and turns selector exits into DELETED', async () => {
    const { resourceVersion } = api.list(CMS, { namespace: 'default' });
    const cm = api.create(CMS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'w', namespace: 'default', labels: { app: 'x' } },
    });
    const seen: string[] = [];
    const stop = api.watch(CMS, (e: WatchEvent) => seen.push(`${e.type}:${e.object.metadata.labels?.app ?? '-'}`), {
      resourceVersion,
      labelSelector: 'app=x',
    });
    api.update(CMS, { ...cm, metadata: { ...cm.metadata, labels: { app: 'y' } } });
    await until(() => seen.length === 2);
    expect(seen).toEqual(['ADDED:x', 'DELETED:y']);
    stop();
    const fromNow: string[] = [];
    const stopNow = api.watch(CMS, (e: WatchEvent) => fromNow.push(`${e.type}:${e.object.metadata.name}`));
    api.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: 'default' } });
    await until(() => fromNow.length === 1);
    expect(fromNow).toEqual(['ADDED:later']);
    stopNow();
  });

  it('counts repeated events for describe', async () => {
    const created = api.create(PODS, pod('e'));
    api.recordEvent(created, 'Warning', 'BackOff', 'restarting');
    api.recordEvent(created, 'Warning', 'BackOff', 'restarting');
    const events = api.list(EVENTS, { namespace: 'default', fieldSelector: 'involvedObject.name=e' }).items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: 'BackOff', count: 2, involvedObject: { kind: 'Pod', name: 'e' } });
  });

  it('deletes unbound pods at once and keeps bound ones until confirmed', () => {
    api.create(PODS, pod('free'));
    api.delete(PODS, 'default', 'free');
    expect(api.get(PODS, 'default', 'free')).toBeUndefined();
    api.create(PODS, { ...pod('bound'), spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox:1' }] } });
    api.delete(PODS, 'default', 'bound');
    expect(api.get(PODS, 'default', 'bound')!.metadata.deletionTimestamp).toBeDefined();
    api.delete(PODS, 'default', 'bound', { gracePeriodSeconds: 0 });
    expect(api.get(PODS, 'default', 'bound')).toBeUndefined();
  });
});
