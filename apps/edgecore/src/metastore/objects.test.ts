import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DB_FILE, SCHEMA_VERSION } from './db';
import { IN_MEMORY, isNewerVersion, openMetastore, type StoredObject } from './index';
import { useTempStores } from './test-support';

const { tempDir, open, tempStore } = useTempStores('kedge-metastore-');

function pod(uid: string, resourceVersion: string, name = `pod-${uid}`): StoredObject {
  return {
    uid,
    kind: 'Pod',
    namespace: 'default',
    name,
    resourceVersion,
    body: JSON.stringify({ rv: resourceVersion }),
    contentHash: `hash-${resourceVersion}`,
  };
}

describe('isNewerVersion', () => {
  it('compares decimal versions as numbers, not strings', () => {
    expect(isNewerVersion('10', '9')).toBe(true);
    expect(isNewerVersion('9', '10')).toBe(false);
    expect(isNewerVersion('10', '10')).toBe(false);
  });
  it('treats any different opaque version as newer', () => {
    expect(isNewerVersion('abc', 'abd')).toBe(true);
    expect(isNewerVersion('abc', 'abc')).toBe(false);
  });
});

describe('ObjectStore', () => {
  it('stores, reads back and lists by kind', () => {
    const { store } = tempStore();
    expect(store.objects.put(pod('u1', '5'))).toBe(true);
    store.objects.put({ ...pod('u2', '6'), kind: 'ConfigMap', name: 'cfg' });
    expect(store.objects.get('u1')).toEqual(pod('u1', '5'));
    expect(store.objects.getByName('ConfigMap', 'default', 'cfg')?.uid).toBe('u2');
    expect(store.objects.list('Pod').map((o) => o.uid)).toEqual(['u1']);
    expect(store.objects.counts()).toEqual({ Pod: 1, ConfigMap: 1 });
  });

  it('ignores an older or equal resourceVersion (replays are harmless)', () => {
    const { store } = tempStore();
    store.objects.put(pod('u1', '7'));
    expect(store.objects.put({ ...pod('u1', '7'), body: '{"replayed":true}' })).toBe(false);
    expect(store.objects.put(pod('u1', '3'))).toBe(false);
    expect(store.objects.get('u1')?.body).toBe(JSON.stringify({ rv: '7' }));
    expect(store.objects.put(pod('u1', '12'))).toBe(true);
    expect(store.objects.get('u1')?.resourceVersion).toBe('12');
  });

  it('deletes by uid and reports what was removed', () => {
    const { store } = tempStore();
    store.objects.put(pod('u1', '1'));
    expect(store.objects.delete('u1')?.name).toBe('pod-u1');
    expect(store.objects.delete('u1')).toBeUndefined();
    expect(store.objects.get('u1')).toBeUndefined();
  });

  it('lists the manifest as uid -> resourceVersion and content hash', () => {
    const { store } = tempStore();
    store.objects.put(pod('b', '2'));
    store.objects.put(pod('a', '1'));
    expect(store.objects.manifest()).toEqual([
      { uid: 'a', resourceVersion: '1', contentHash: 'hash-1' },
      { uid: 'b', resourceVersion: '2', contentHash: 'hash-2' },
    ]);
  });

  it('upgrades a version 1 database: objects keep their data and get an empty content hash', () => {
    const dir = tempDir();
    const old = new Database(join(dir, DB_FILE));
    old.exec(`CREATE TABLE objects (uid TEXT PRIMARY KEY, kind TEXT NOT NULL, namespace TEXT NOT NULL,
      name TEXT NOT NULL, resourceVersion TEXT NOT NULL, body TEXT NOT NULL)`);
    old.prepare("INSERT INTO objects VALUES ('u1', 'Pod', 'default', 'web', '3', '{}')").run();
    old.close();
    const store = open(dir);
    expect(store.objects.manifest()).toEqual([{ uid: 'u1', resourceVersion: '3', contentHash: '' }]);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    store.objects.put(pod('u1', '4'));
    expect(store.objects.get('u1')?.contentHash).toBe('hash-4');
  });

  it('refuses a database written by a newer edgecore, naming both versions', () => {
    const dir = tempDir();
    const newer = new Database(join(dir, DB_FILE));
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    expect(() => openMetastore(dir)).toThrow(
      `has schema version ${SCHEMA_VERSION + 1}, newer than this edgecore's ${SCHEMA_VERSION}`,
    );
  });

  it('can live in memory only, for hollow nodes', () => {
    const store = open(IN_MEMORY);
    store.objects.put(pod('m1', '1'));
    store.outbox.enqueue('Pod/default/pod-m1', 'podStatus', new Uint8Array([1]));
    expect(store.objects.manifest()).toEqual([{ uid: 'm1', resourceVersion: '1', contentHash: 'hash-1' }]);
    expect(store.outbox.size()).toBe(1);
  });

  it('keeps everything across close and reopen', () => {
    const { dir, store } = tempStore();
    store.objects.put(pod('u1', '4'));
    store.close();
    const reopened = open(dir);
    expect(reopened.objects.get('u1')?.resourceVersion).toBe('4');
    expect(reopened.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
