/**
 * The edge's durable state: objects from the cloud and the status outbox,
 * in one SQLite file under dataDir.
 *
 * @example
 * const store = openMetastore('/var/lib/kedge');
 * store.objects.put({ uid, kind: 'Pod', namespace, name, resourceVersion: '42', body, contentHash });
 * store.outbox.enqueue('Pod/default/web-0', 'podStatus', bytes, uid);
 * store.close();
 */
import type Database from 'better-sqlite3';
import { openDatabase } from './db';
import { ObjectStore } from './objects';
import { Outbox } from './outbox';

export { DB_FILE, IN_MEMORY } from './db';
export { ObjectStore, isNewerVersion, type StoredObject } from './objects';
export { Outbox, type OutboxEntry } from './outbox';

export interface Metastore {
  readonly objects: ObjectStore;
  readonly outbox: Outbox;
  /** The open database, for modules that keep their own tables in the same file (twins). */
  readonly db: Database.Database;
  close(): void;
}

/** Opens the store in `dataDir`, or in memory for IN_MEMORY (':memory:'). */
export function openMetastore(dataDir: string): Metastore {
  const db = openDatabase(dataDir);
  return {
    objects: new ObjectStore(db),
    outbox: new Outbox(db),
    db,
    close: () => db.close(),
  };
}
