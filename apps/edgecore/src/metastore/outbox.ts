import type Database from 'better-sqlite3';
import type { StatusKind } from '@kedge/protocol';

/** One queued status: the latest one written for its key. */
export interface OutboxEntry {
  /** formatObjectKey() of the object the status is about. */
  key: string;
  kind: StatusKind;
  /** uid of the object, '' when unknown. */
  uid: string;
  /** Grows on every write (across all keys), so it also grows per key and orders the queue. */
  seq: number;
  body: Uint8Array;
}

interface Row {
  key: string;
  kind: StatusKind;
  uid: string;
  seq: number;
  body: Buffer;
}

/**
 * The `outbox` table: what the node still has to tell the cloud. Writes are
 * coalesced per key (latest status wins); an entry leaves only when the
 * cloud acks its sequence, so a newer write made since stays queued.
 */
export class Outbox {
  private readonly nextSeq: () => number;
  private readonly upsert: Database.Statement<[Row]>;
  private readonly selectPending: Database.Statement<[number], Row>;
  private readonly selectOne: Database.Statement<[string], Row>;
  private readonly removeAcked: Database.Statement<[string, number]>;
  private readonly countRows: Database.Statement<[], { count: number }>;
  private readonly listeners = new Set<() => void>();
  private readonly writeTx: (key: string, kind: StatusKind, uid: string, body: Uint8Array) => number;

  constructor(db: Database.Database) {
    const bump = db.prepare(
      `INSERT INTO counters (name, value) VALUES ('outboxSeq', 1)
       ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
    );
    this.nextSeq = () => (bump.get() as { value: number }).value;
    this.upsert = db.prepare(
      `INSERT INTO outbox (key, kind, uid, seq, body) VALUES (@key, @kind, @uid, @seq, @body)
       ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, uid = excluded.uid, seq = excluded.seq, body = excluded.body`,
    );
    this.selectPending = db.prepare('SELECT key, kind, uid, seq, body FROM outbox ORDER BY seq LIMIT ?');
    this.selectOne = db.prepare('SELECT key, kind, uid, seq, body FROM outbox WHERE key = ?');
    this.removeAcked = db.prepare('DELETE FROM outbox WHERE key = ? AND seq <= ?');
    this.countRows = db.prepare('SELECT COUNT(*) AS count FROM outbox');
    this.writeTx = db.transaction((key: string, kind: StatusKind, uid: string, body: Uint8Array) => {
      const seq = this.nextSeq();
      this.upsert.run({ key, kind, uid, seq, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) });
      return seq;
    });
  }

  /** Queues the status, replacing any queued one of the same key. Returns its sequence. */
  enqueue(key: string, kind: StatusKind, body: Uint8Array, uid = ''): number {
    const seq = this.writeTx(key, kind, uid, body);
    for (const listener of this.listeners) listener();
    return seq;
  }

  /** Oldest writes first, at most `limit`. */
  pending(limit: number): OutboxEntry[] {
    return this.selectPending.all(limit).map((row) => ({ ...row, body: new Uint8Array(row.body) }));
  }

  /** The queued entry of a key, for callers that merge partial updates before enqueueing. */
  get(key: string): OutboxEntry | undefined {
    const row = this.selectOne.get(key);
    return row ? { ...row, body: new Uint8Array(row.body) } : undefined;
  }

  /**
   * Removes the key's entry when its sequence is `seq` or older (the cloud
   * acks up to and including `seq`). Returns true when something was removed.
   */
  ack(key: string, seq: number): boolean {
    return this.removeAcked.run(key, seq).changes > 0;
  }

  size(): number {
    return this.countRows.get()?.count ?? 0;
  }

  /** Called after every enqueue; returns the unsubscribe function. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
