import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreVersionError } from '../errors';

/** Name of the edge state file inside dataDir. */
export const DB_FILE = 'edgecore.db';

// `objects` holds what the cloud gave this node, `outbox` what the node still
// has to tell the cloud, `counters` the outbox sequence (kept outside the
// outbox so it never goes back when the outbox empties).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  uid TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  resourceVersion TEXT NOT NULL,
  body TEXT NOT NULL,
  contentHash TEXT NOT NULL DEFAULT ''
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

/** Version 2 added objects.contentHash. */
export const SCHEMA_VERSION = 2;

/** Brings a database of an older edgecore up to SCHEMA_VERSION; refuses one written by a newer edgecore. */
function migrate(db: Database.Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreVersionError(
      `${file} has schema version ${version}, newer than this edgecore's ${SCHEMA_VERSION}; run the newer edgecore or move the data dir away`,
      { file, version, supported: SCHEMA_VERSION },
    );
  }
  db.exec(SCHEMA);
  const columns = db.pragma('table_info(objects)') as { name: string }[];
  if (!columns.some((c) => c.name === 'contentHash')) {
    // Objects stored before version 2 have no content hash: the next connect sends the full manifest.
    db.exec("ALTER TABLE objects ADD COLUMN contentHash TEXT NOT NULL DEFAULT ''");
  }
  if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

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
    migrate(db, IN_MEMORY);
    return db;
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DB_FILE);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
