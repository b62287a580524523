// The object store: every object in memory (parsed, plus its JSON so lists
// and watches serialise once), indexed by namespace and, for pods, by node;
// SQLite behind it; one global monotonic revision; a bounded event history
// that watches resume from.
import type { KubeObject, WatchEventType } from '../controllers/api';
import { apiErrors } from '../errors';
import { StoreDb } from './db';

export interface Stored {
  object: KubeObject;
  json: string;
}

export interface StoreEvent {
  rv: number;
  rkey: string;
  type: WatchEventType;
  object: KubeObject;
  json: string;
  /** The object before this event, when known: lets selector-filtered watches see objects leave. */
  prev?: KubeObject;
}

interface HistoryEntry {
  rv: number;
  rkey: string;
  type: WatchEventType;
  json: string;
}

export type StoreListener = (event: StoreEvent) => void;

class Bucket {
  readonly byNs = new Map<string, Map<string, Stored>>();
  readonly byNode = new Map<string, Map<string, Stored>>();
  constructor(readonly indexNodes: boolean) {}

  set(ns: string, name: string, stored: Stored, prev: Stored | undefined): void {
    let names = this.byNs.get(ns);
    if (!names) this.byNs.set(ns, (names = new Map()));
    names.set(name, stored);
    if (this.indexNodes) {
      const before = prev ? nodeOf(prev.object) : '';
      const after = nodeOf(stored.object);
      if (before !== after) this.byNode.get(before)?.delete(`${ns}/${name}`);
      let onNode = this.byNode.get(after);
      if (!onNode) this.byNode.set(after, (onNode = new Map()));
      onNode.set(`${ns}/${name}`, stored);
    }
  }

  delete(ns: string, name: string, prev: Stored): void {
    const names = this.byNs.get(ns);
    names?.delete(name);
    if (names && names.size === 0) this.byNs.delete(ns);
    if (this.indexNodes) this.byNode.get(nodeOf(prev.object))?.delete(`${ns}/${name}`);
  }
}

const nodeOf = (o: KubeObject): string => {
  const spec = o.spec as { nodeName?: unknown } | undefined;
  return typeof spec?.nodeName === 'string' ? spec.nodeName : '';
};

export interface StoreOptions {
  /** SQLite file path. */
  path: string;
  /** Events kept for watch resume; older resourceVersions get 410 Gone. */
  historyLimit: number;
  /** A listener threw: the write stands, the error is reported here. */
  onListenerError: (error: unknown, event: StoreEvent) => void;
  /** SQLite refused a batch: memory is ahead of disk until the next write succeeds. */
  onPersistError: (error: unknown) => void;
}

const REVISION_RESERVE = 10_000;

export class Store {
  private revision: number;
  private compacted: number;
  private readonly buckets = new Map<string, Bucket>();
  /** Only JSON is kept: superseded versions would otherwise stay parsed in memory. */
  private history: HistoryEntry[] = [];
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private readonly db: StoreDb;
  private writesSinceTrim = 0;
  private reserved: number;
  private queue: { event: StoreEvent; ns: string; name: string }[] = [];
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushTimer: NodeJS.Immediate | undefined;

  constructor(private readonly options: StoreOptions) {
    this.db = new StoreDb(options.path);
    this.revision = this.db.maxRevision();
    this.reserved = this.revision;
    for (const row of this.db.loadObjects()) {
      this.bucket(row.rkey).set(
        row.ns,
        row.name,
        { object: JSON.parse(row.json) as KubeObject, json: row.json },
        undefined,
      );
    }
    const events = this.db.loadEvents(options.historyLimit);
    this.history = events.map((e) => ({ rv: e.rv, rkey: e.rkey, type: e.type as WatchEventType, json: e.json }));
    // Everything at or below this revision is outside the history window.
    this.compacted = this.history.length ? this.history[0]!.rv - 1 : this.revision;
  }

  get currentRevision(): number {
    return this.revision;
  }

  private bucket(rkey: string): Bucket {
    let b = this.buckets.get(rkey);
    if (!b) this.buckets.set(rkey, (b = new Bucket(rkey === 'pods')));
    return b;
  }

  get(rkey: string, ns: string, name: string): Stored | undefined {
    return this.buckets.get(rkey)?.byNs.get(ns)?.get(name);
  }

  /** Objects of a resource, optionally only one namespace or one node (pods), sorted by namespace/name. */
  list(rkey: string, scope: { namespace?: string; nodeName?: string } = {}): Stored[] {
    const b = this.buckets.get(rkey);
    if (!b) return [];
    let out: Stored[];
    if (scope.nodeName !== undefined && b.indexNodes) {
      out = [...(b.byNode.get(scope.nodeName)?.values() ?? [])].filter(
        (s) => scope.namespace === undefined || s.object.metadata.namespace === scope.namespace,
      );
    } else if (scope.namespace !== undefined) {
      out = [...(b.byNs.get(scope.namespace)?.values() ?? [])];
    } else {
      out = [];
      for (const names of b.byNs.values()) for (const s of names.values()) out.push(s);
    }
    return out.sort((a, c) => compareKeys(a.object, c.object));
  }

  /** Resources that hold at least one object (storage keys). */
  resourceKeys(): string[] {
    return [...this.buckets.keys()];
  }

  /**
   * Commits one change to memory at once: stamps the next resourceVersion
   * into `object` and indexes it, so reads see it immediately. Writes of
   * the same tick are then persisted together in one SQLite transaction,
   * and only after that are their events delivered (see flush).
   */
  write(rkey: string, type: WatchEventType, object: KubeObject): Stored {
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name;
    const rv = this.revision + 1;
    object.metadata.resourceVersion = String(rv);
    const json = JSON.stringify(object);
    this.revision = rv;
    // Revisions are reserved ahead in SQLite: after a crash that loses the
    // last batch, the next start still never hands out a number twice.
    if (rv > this.reserved) {
      this.reserved = rv + REVISION_RESERVE;
      this.db.reserve(this.reserved);
    }
    const bucket = this.bucket(rkey);
    const prev = bucket.byNs.get(ns)?.get(name);
    const stored = { object, json };
    if (type === 'DELETED') {
      if (prev) bucket.delete(ns, name, prev);
    } else {
      bucket.set(ns, name, stored, prev);
    }
    const event: StoreEvent = { rv, rkey, type, object, json };
    if (prev) event.prev = prev.object;
    this.queue.push({ event, ns, name });
    this.flushTimer ??= setImmediate(() => this.flush());
    return stored;
  }

  /** Persists the queued writes in one transaction, then delivers their events in order. */
  flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const queued = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    let failure: unknown;
    if (queued.length) {
      try {
        this.db.write(
          queued.map(({ event, ns, name }) => ({
            rkey: event.rkey,
            ns,
            name,
            rv: event.rv,
            type: event.type,
            json: event.json,
          })),
        );
      } catch (error) {
        failure = error;
        this.options.onPersistError(error);
      }
      for (const { event } of queued) this.remember(event);
      // Listeners may write: those writes queue for the next flush, so every
      // listener sees revisions in order.
      for (const { event } of queued) this.dispatch(event);
    }
    for (const w of waiters) {
      if (failure === undefined) w.resolve();
      else w.reject(failure);
    }
  }

  /** Resolves once every write made so far is persisted and its events delivered. */
  flushed(): Promise<void> {
    if (!this.queue.length) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private dispatch(event: StoreEvent): void {
    const listeners = this.listeners.get(event.rkey);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.options.onListenerError(error, event);
      }
    }
  }

  private remember(event: StoreEvent): void {
    this.history.push({ rv: event.rv, rkey: event.rkey, type: event.type, json: event.json });
    const limit = this.options.historyLimit;
    // Drop in chunks so the array is not shifted on every write.
    if (this.history.length > limit + Math.max(16, limit >> 3)) {
      const dropped = this.history.splice(0, this.history.length - limit);
      this.compacted = dropped[dropped.length - 1]!.rv;
    }
    if (++this.writesSinceTrim >= 1000) {
      this.writesSinceTrim = 0;
      this.db.trim(this.compacted);
    }
  }

  /**
   * Delivered events of one resource after `rv`, oldest first. Throws 410 Expired when
   * part of that range has left the history window.
   */
  eventsSince(rkey: string, rv: number): StoreEvent[] {
    if (rv < this.compacted) throw apiErrors.gone(`too old resource version: ${rv} (${this.compacted + 1})`);
    const out: StoreEvent[] = [];
    // Binary search the first event after rv: the history is sorted by rv.
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.history.length; i++) {
      const h = this.history[i]!;
      if (h.rkey === rkey) out.push({ ...h, object: JSON.parse(h.json) as KubeObject });
    }
    return out;
  }

  subscribe(rkey: string, listener: StoreListener): () => void {
    let set = this.listeners.get(rkey);
    if (!set) this.listeners.set(rkey, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  close(): void {
    this.flush();
    this.db.trim(this.compacted);
    this.db.reserve(this.revision);
    this.db.close();
  }
}

export function compareKeys(a: KubeObject, b: KubeObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
