// SQLite persistence (better-sqlite3, WAL). One row per object keyed by
// resource/namespace/name, an event log trimmed to the watch window, and a
// meta row with the compacted revision so resourceVersions only grow.
import Database from 'better-sqlite3';
import { KubeLiteStoreError } from '../errors';

export interface ObjectRow {
  rkey: string;
  ns: string;
  name: string;
  rv: number;
  json: string;
}

export interface EventRow {
  rv: number;
  rkey: string;
  ns: string;
  name: string;
  type: string;
  json: string;
}

export class StoreDb {
  private readonly db: Database.Database;
  private readonly upsertStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly eventStmt: Database.Statement;
  private readonly trimStmt: Database.Statement;
  private readonly metaStmt: Database.Statement;
  private readonly writeTx: (rows: readonly EventRow[]) => void;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: durable across process crashes, fast commits.
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS objects (rkey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL, json TEXT NOT NULL,
          PRIMARY KEY (rkey, ns, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events (rv INTEGER PRIMARY KEY, rkey TEXT NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    } catch (cause) {
      throw new KubeLiteStoreError(
        `cannot open the kube-lite store at ${path}: ${(cause as Error).message}; check the data dir is writable and not used by another kube-lite`,
        path,
        { cause },
      );
    }
    this.upsertStmt = this.db.prepare(
      'INSERT OR REPLACE INTO objects (rkey, ns, name, rv, json) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteStmt = this.db.prepare('DELETE FROM objects WHERE rkey = ? AND ns = ? AND name = ?');
    this.eventStmt = this.db.prepare('INSERT INTO events (rv, rkey, type, json) VALUES (?, ?, ?, ?)');
    this.trimStmt = this.db.prepare('DELETE FROM events WHERE rv <= ?');
    this.metaStmt = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    this.writeTx = this.db.transaction((rows: readonly EventRow[]) => {
      for (const { rkey, ns, name, rv, type, json } of rows) {
        if (type === 'DELETED') this.deleteStmt.run(rkey, ns, name);
        else this.upsertStmt.run(rkey, ns, name, rv, json);
        this.eventStmt.run(rv, rkey, type, json);
      }
    });
  }

  loadObjects(): ObjectRow[] {
    return this.db.prepare('SELECT rkey, ns, name, rv, json FROM objects').all() as ObjectRow[];
  }

  loadEvents(limit: number): Omit<EventRow, 'ns' | 'name'>[] {
    const rows = this.db
      .prepare('SELECT rv, rkey, type, json FROM events ORDER BY rv DESC LIMIT ?')
      .all(limit) as EventRow[];
    return rows.reverse();
  }

  /** Highest revision ever handed out or reserved, so a restart never reuses one. */
  maxRevision(): number {
    const o = this.db.prepare('SELECT MAX(rv) AS m FROM objects').get() as { m: number | null };
    const e = this.db.prepare('SELECT MAX(rv) AS m FROM events').get() as { m: number | null };
    return Math.max(o.m ?? 0, e.m ?? 0, this.metaNumber('compacted'), this.metaNumber('reserved'));
  }

  private metaNumber(key: string): number {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /** Writes object rows and their events in one transaction. */
  write(rows: readonly EventRow[]): void {
    this.writeTx(rows);
  }

  /** Records that revisions up to `rv` may have been handed out (see Store.write). */
  reserve(rv: number): void {
    this.metaStmt.run('reserved', String(rv));
  }

  /** Drops events at or below `rv`, remembering the mark for restarts. */
  trim(rv: number): void {
    this.trimStmt.run(rv);
    this.metaStmt.run('compacted', String(rv));
  }

  close(): void {
    this.db.close();
  }
}
