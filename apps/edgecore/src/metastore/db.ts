import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Name of the edge state file inside dataDir. */
export const DB_FILE = 'edgecore.db';

// Schema version 1. `objects` holds what the cloud gave this node, `outbox`
// what the node still has to tell the cloud, `counters` the outbox sequence
// (kept outside the outbox so it never goes back when the outbox empties).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  uid TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  resourceVersion TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_by_name ON objects (kind, namespace, name);
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  uid TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_seq ON outbox (seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/** Pass as dataDir for a store that lives in memory only (hollow nodes in scale tests). */
export const IN_MEMORY = ':memory:';

/**
 * Opens (creating when absent) the edge database under dataDir. WAL with
 * synchronous=NORMAL: a committed write survives a process kill -9; a power
 * loss may drop the last transactions but never corrupts the file.
 */
export function openDatabase(dataDir: string): Database.Database {
  if (dataDir === IN_MEMORY) {
    const db = new Database(IN_MEMORY);
    db.exec(SCHEMA);
    return db;
  }
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
