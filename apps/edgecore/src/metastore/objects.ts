import type Database from 'better-sqlite3';
import type { ManifestEntry } from '@kedge/protocol';

/** One object the cloud gave this node, as stored. `body` is the JSON text of the trimmed object. */
export interface StoredObject {
  uid: string;
  kind: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  body: string;
  /** The cloud's content hash of body ('' when it sent none). */
  contentHash: string;
}

const DECIMAL = /^\d{1,30}$/;

/**
 * True when `incoming` is newer than `stored`. Kubernetes resourceVersions
 * are opaque, but every real server (etcd, kube-lite) issues decimal
 * integers; those compare numerically. Opaque ones only compare for equality.
 */
export function isNewerVersion(incoming: string, stored: string): boolean {
  if (DECIMAL.test(incoming) && DECIMAL.test(stored)) return BigInt(incoming) > BigInt(stored);
  return incoming !== stored;
}

/** The `objects` table: the node's copy of everything bound to it, keyed by uid. */
export class ObjectStore {
  private readonly selectRv: Database.Statement<[string], { resourceVersion: string }>;
  private readonly upsert: Database.Statement<[StoredObject]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly selectOne: Database.Statement<[string], StoredObject>;
  private readonly selectByName: Database.Statement<[string, string, string], StoredObject>;
  private readonly selectKind: Database.Statement<[string], StoredObject>;
  private readonly selectManifest: Database.Statement<[], ManifestEntry>;
  private readonly countKinds: Database.Statement<[], { kind: string; count: number }>;

  constructor(db: Database.Database) {
    this.selectRv = db.prepare('SELECT resourceVersion FROM objects WHERE uid = ?');
    this.upsert = db.prepare(
      `INSERT INTO objects (uid, kind, namespace, name, resourceVersion, body, contentHash)
       VALUES (@uid, @kind, @namespace, @name, @resourceVersion, @body, @contentHash)
       ON CONFLICT (uid) DO UPDATE SET kind = excluded.kind, namespace = excluded.namespace,
         name = excluded.name, resourceVersion = excluded.resourceVersion, body = excluded.body,
         contentHash = excluded.contentHash`,
    );
    this.remove = db.prepare('DELETE FROM objects WHERE uid = ?');
    this.selectOne = db.prepare('SELECT * FROM objects WHERE uid = ?');
    this.selectByName = db.prepare('SELECT * FROM objects WHERE kind = ? AND namespace = ? AND name = ?');
    this.selectKind = db.prepare('SELECT * FROM objects WHERE kind = ? ORDER BY namespace, name');
    this.selectManifest = db.prepare('SELECT uid, resourceVersion, contentHash FROM objects ORDER BY uid');
    this.countKinds = db.prepare('SELECT kind, COUNT(*) AS count FROM objects GROUP BY kind');
  }

  /**
   * Stores the object unless the store already holds this uid at the same or
   * a newer resourceVersion. Returns true when it was written. Replaying an
   * event is therefore harmless: exactly-once in effect.
   */
  put(obj: StoredObject): boolean {
    const current = this.selectRv.get(obj.uid);
    if (current && !isNewerVersion(obj.resourceVersion, current.resourceVersion)) return false;
    this.upsert.run(obj);
    return true;
  }

  /** Removes the object; returns what was removed, undefined when the uid was unknown. */
  delete(uid: string): StoredObject | undefined {
    const current = this.selectOne.get(uid);
    if (current) this.remove.run(uid);
    return current;
  }

  get(uid: string): StoredObject | undefined {
    return this.selectOne.get(uid);
  }

  /** By name, for references (a pod's ConfigMap); namespace '' for cluster-scoped kinds. */
  getByName(kind: string, namespace: string, name: string): StoredObject | undefined {
    return this.selectByName.get(kind, namespace, name);
  }

  list(kind: string): StoredObject[] {
    return this.selectKind.all(kind);
  }

  /** uid -> resourceVersion and content hash of everything held, for the cloud on every connect. */
  manifest(): ManifestEntry[] {
    return this.selectManifest.all();
  }

  /** Object count per kind, for metrics. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.countKinds.all().map((row) => [row.kind, row.count]));
  }
}
