import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../controllers/api';
import { ApiError } from '../errors';
import type { StoreEvent } from './store';
import { Store } from './store';

const dirs: string[] = [];
function open(historyLimit = 100): { store: Store; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kube-lite-store-'));
  dirs.push(dir);
  const path = join(dir, 'db.sqlite');
  return {
    store: new Store({
      path,
      historyLimit,
      onListenerError: (e) => {
        throw e;
      },
      onPersistError: (e) => {
        throw e;
      },
    }),
    path,
  };
}
const reopen = (path: string, historyLimit = 100): Store =>
  new Store({
    path,
    historyLimit,
    onListenerError: (e) => {
      throw e;
    },
    onPersistError: (e) => {
      throw e;
    },
  });
const cm = (name: string, v = '1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns' },
  data: { v },
});

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Store', () => {
  it('keeps every object across a restart and resourceVersions only grow', () => {
    const { store, path } = open();
    store.write('configmaps', 'ADDED', cm('a'));
    store.write('configmaps', 'ADDED', cm('b'));
    store.write('configmaps', 'DELETED', cm('b'));
    const before = store.currentRevision;
    store.close();
    const again = reopen(path);
    expect(again.list('configmaps').map((s) => s.object.metadata.name)).toEqual(['a']);
    expect(again.currentRevision).toBe(before);
    const next = again.write('configmaps', 'MODIFIED', cm('a', '2'));
    expect(Number(next.object.metadata.resourceVersion)).toBe(before + 1);
    again.close();
  });

  it('replays history after a resourceVersion, across a restart too', () => {
    const { store, path } = open();
    const first = store.write('configmaps', 'ADDED', cm('a'));
    store.write('pods', 'ADDED', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } });
    store.write('configmaps', 'MODIFIED', cm('a', '2'));
    store.flush();
    const rv = Number(first.object.metadata.resourceVersion);
    expect(store.eventsSince('configmaps', rv).map((e) => e.type)).toEqual(['MODIFIED']);
    store.close();
    const again = reopen(path);
    expect(again.eventsSince('configmaps', rv - 1).map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    again.close();
  });

  it('answers 410 Expired for versions older than the window', () => {
    const { store } = open(20);
    const first = store.write('configmaps', 'ADDED', cm('a'));
    for (let i = 0; i < 60; i++) store.write('configmaps', 'MODIFIED', cm('a', String(i)));
    store.flush();
    try {
      store.eventsSince('configmaps', Number(first.object.metadata.resourceVersion));
      expect.fail('expected 410');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).httpCode).toBe(410);
      expect((error as ApiError).reason).toBe('Expired');
    }
    expect(store.eventsSince('configmaps', store.currentRevision - 5)).toHaveLength(5);
    store.close();
  });

  it('delivers events after persisting, in revision order even when a listener writes', async () => {
    const { store } = open();
    const seen: number[] = [];
    store.subscribe('configmaps', (e: StoreEvent) => {
      seen.push(e.rv);
      if (e.object.metadata.name === 'a' && e.type === 'ADDED') store.write('configmaps', 'ADDED', cm('b'));
    });
    store.subscribe('configmaps', (e: StoreEvent) => seen.push(e.rv));
    store.write('configmaps', 'ADDED', cm('a'));
    expect(seen).toEqual([]);
    await store.flushed();
    expect(seen).toEqual([1, 1]);
    store.flush();
    expect(seen).toEqual([1, 1, 2, 2]);
    store.close();
  });

  it('indexes pods by node', () => {
    const { store } = open();
    const pod = (name: string, nodeName?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'ns' },
      spec: nodeName ? { nodeName } : {},
    });
    store.write('pods', 'ADDED', pod('a', 'n1'));
    store.write('pods', 'ADDED', pod('b'));
    store.write('pods', 'MODIFIED', pod('b', 'n1'));
    store.write('pods', 'MODIFIED', pod('a', 'n2'));
    expect(store.list('pods', { nodeName: 'n1' }).map((s) => s.object.metadata.name)).toEqual(['b']);
    expect(store.list('pods', { nodeName: '' })).toHaveLength(0);
    store.close();
  });
});
