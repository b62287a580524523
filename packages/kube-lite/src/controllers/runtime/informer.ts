// A cache of one resource kept current by list + watch, with secondary
// indexes, shared by every controller that reads the same resource so the
// 10,000 pods of a busy cluster are held and indexed once.
import type { ControllerApi, KubeObject, ResourceRef, WatchEvent, WatchEventType } from '../api';
import { objectKey } from '../util/objects';

export type InformerHandler = (type: WatchEventType, object: KubeObject, old: KubeObject | undefined) => void;
export type IndexFn = (object: KubeObject) => readonly string[];

interface Index {
  fn: IndexFn;
  buckets: Map<string, Map<string, KubeObject>>;
}

/** Newer-than test on resourceVersions, which kube-lite issues as increasing integers. */
function isNewer(candidate: string | undefined, current: string | undefined): boolean {
  if (candidate === undefined || current === undefined) return true;
  if (/^\d+$/.test(candidate) && /^\d+$/.test(current)) return BigInt(candidate) > BigInt(current);
  return candidate !== current;
}

export class Informer {
  readonly #items = new Map<string, KubeObject>();
  readonly #indexes = new Map<string, Index>();
  readonly #handlers = new Set<InformerHandler>();
  #unwatch: (() => void) | undefined;

  constructor(readonly ref: ResourceRef) {}

  start(api: ControllerApi): void {
    const { items, resourceVersion } = api.list(this.ref);
    for (const item of items) this.#put(item);
    this.#unwatch = api.watch(this.ref, (event) => this.#onEvent(event), { resourceVersion });
  }

  stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#items.get(objectKey(namespace, name));
  }

  getByKey(key: string): KubeObject | undefined {
    return this.#items.get(key);
  }

  list(): IterableIterator<KubeObject> {
    return this.#items.values();
  }

  /** Adds a named index; adding a name twice keeps the first (controllers share informers). */
  addIndex(name: string, fn: IndexFn): void {
    if (this.#indexes.has(name)) return;
    const index: Index = { fn, buckets: new Map() };
    this.#indexes.set(name, index);
    for (const [key, object] of this.#items) this.#indexAdd(index, key, object);
  }

  byIndex(name: string, value: string): KubeObject[] {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`informer ${this.ref.resource} has no index "${name}"`);
    const bucket = index.buckets.get(value);
    return bucket ? [...bucket.values()] : [];
  }

  /** Handlers run inside the store's event delivery: they must only read and enqueue. */
  subscribe(handler: InformerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Write-through of an object the caller just wrote, so a late watch event cannot leave the cache behind. */
  observe(object: KubeObject): void {
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const old = this.#items.get(key);
    if (old && !isNewer(object.metadata.resourceVersion, old.metadata.resourceVersion)) return;
    this.#onEvent({ type: old ? 'MODIFIED' : 'ADDED', object });
  }

  #onEvent(event: WatchEvent): void {
    const { object } = event;
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const old = this.#items.get(key);
    if (event.type === 'DELETED') {
      if (!old) return;
      this.#remove(key, old);
    } else {
      if (old && !isNewer(object.metadata.resourceVersion, old.metadata.resourceVersion)) return;
      if (old) this.#remove(key, old);
      this.#put(object);
    }
    const type = event.type === 'DELETED' ? 'DELETED' : old ? 'MODIFIED' : 'ADDED';
    for (const handler of this.#handlers) handler(type, object, old);
  }

  #put(object: KubeObject): void {
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    this.#items.set(key, object);
    for (const index of this.#indexes.values()) this.#indexAdd(index, key, object);
  }

  #remove(key: string, old: KubeObject): void {
    this.#items.delete(key);
    for (const index of this.#indexes.values()) {
      for (const value of index.fn(old)) {
        const bucket = index.buckets.get(value);
        bucket?.delete(key);
        if (bucket?.size === 0) index.buckets.delete(value);
      }
    }
  }

  #indexAdd(index: Index, key: string, object: KubeObject): void {
    for (const value of index.fn(object)) {
      let bucket = index.buckets.get(value);
      if (!bucket) index.buckets.set(value, (bucket = new Map()));
      bucket.set(key, object);
    }
  }
}

/**
 * The informers of one ControllerApi, shared by the controllers started on
 * it. Each controller acquires it when it starts and releases it when it
 * stops; the watches stop with the last release.
 */
export class SharedInformers {
  readonly #informers = new Map<string, Informer>();
  #users = 0;

  private constructor(private readonly api: ControllerApi) {}

  static #byApi = new WeakMap<ControllerApi, SharedInformers>();

  static acquire(api: ControllerApi): SharedInformers {
    let shared = SharedInformers.#byApi.get(api);
    if (!shared) SharedInformers.#byApi.set(api, (shared = new SharedInformers(api)));
    shared.#users++;
    return shared;
  }

  release(): void {
    if (--this.#users > 0) return;
    for (const informer of this.#informers.values()) informer.stop();
    this.#informers.clear();
    if (SharedInformers.#byApi.get(this.api) === this) SharedInformers.#byApi.delete(this.api);
  }

  /** The started informer for `ref`; the first call lists and starts the watch. */
  informer(ref: ResourceRef): Informer {
    const id = `${ref.group}/${ref.version}/${ref.resource}`;
    let informer = this.#informers.get(id);
    if (!informer) {
      informer = new Informer(ref);
      informer.start(this.api);
      this.#informers.set(id, informer);
    }
    return informer;
  }
}
