/**
 * One session's view of what its edge holds (uid -> version token, from the
 * manifest, a matched digest and acks) and the producer of its object
 * frames: at send time it compares what the node should hold with what it
 * holds and sends only the difference. In memory only; a reconnect's
 * manifest or digest rebuilds it.
 *
 * A version token is the content hash the edge stored with the object, or
 * `rv:<resourceVersion>` for an object stored without one. An edge holds the
 * current version when either matches: a status write in the cloud bumps
 * the resourceVersion but not the wire body, and is not resent.
 */
import {
  manifestDigest,
  type FrameLimits,
  type FramePayload,
  type ManifestEntry,
  type ManifestFrame,
} from '@kedge/protocol';
import { FrameRejectedError } from '../errors';
import type { EdgeSession, ObjectSource } from '../hub/registry';
import type { CloudMetrics } from '../metrics/registry';
import type { IndexedObject, NodeIndex, ObjectMeta } from './node-index';
import { contentHashOf, wireBody } from './wire-form';

/** Queue key of the syncComplete frame that follows a resync's difference. */
const SYNC_KEY = '\u0000sync';
/** Sent-but-unacked deletion. */
const DELETED = '\u0000deleted';
/** Manifest parts accepted per resync (with 10,000 entries each: a million objects). */
const MAX_MANIFEST_PARTS = 100;

/** What the node holds when its digest matched: uid -> content hash, and the objects' names for DELETED frames. */
export interface DigestMatch {
  readonly held: Map<string, string>;
  readonly metas: Map<string, ObjectMeta>;
}

const tokenOf = (entry: Pick<ManifestEntry, 'resourceVersion' | 'contentHash'>): string =>
  entry.contentHash || `rv:${entry.resourceVersion}`;

/** Whether an edge holding `token` holds the current version of `entry`. */
const holdsCurrent = (token: string | undefined, entry: IndexedObject): boolean =>
  token !== undefined && (token === `rv:${entry.meta.resourceVersion}` || token === contentHashOf(entry));

export class NodeSync implements ObjectSource {
  private readonly held = new Map<string, string>();
  private readonly inFlight = new Map<string, string>();
  private readonly tombstones = new Map<string, ObjectMeta>();
  private manifest: Map<string, string> | undefined;
  private nextPart = 0;
  private resync: { deletedUids: string[]; sentCount: number } | undefined;
  private attached = false;

  constructor(
    private readonly session: EdgeSession,
    private readonly index: NodeIndex,
    private readonly metrics: CloudMetrics,
    private readonly limits: FrameLimits,
  ) {}

  /** Collects manifest parts; on the last one, queues the difference and a syncComplete. */
  onManifest(frame: ManifestFrame): boolean {
    if (frame.part !== this.nextPart) {
      throw new FrameRejectedError(
        'PROTOCOL_ERROR',
        'manifest_part_order',
        `manifest part ${frame.part} arrived, expected part ${this.nextPart}`,
      );
    }
    if (frame.part >= MAX_MANIFEST_PARTS) {
      throw new FrameRejectedError(
        'PROTOCOL_ERROR',
        'manifest_too_long',
        `manifest has more than ${MAX_MANIFEST_PARTS} parts`,
      );
    }
    this.manifest ??= new Map();
    for (const entry of frame.entries) this.manifest.set(entry.uid, tokenOf(entry));
    this.nextPart++;
    if (!frame.complete) return false;
    this.startResync(this.manifest);
    this.manifest = undefined;
    this.nextPart = 0;
    return true;
  }

  /**
   * What the node holds if hello's digest matches what the cloud binds to it
   * now: pass it to resume() after welcome. undefined when the digests differ
   * (the edge then sends its manifest).
   */
  matchDigest(digest: string): DigestMatch | undefined {
    if (!digest) return undefined;
    const held = new Map<string, string>();
    const metas = new Map<string, ObjectMeta>();
    for (const entry of this.index.desiredFor(this.session.nodeName)) {
      held.set(entry.meta.uid, contentHashOf(entry));
      metas.set(entry.meta.uid, entry.meta);
    }
    const entries = [...held].map(([uid, contentHash]) => ({ uid, contentHash }));
    return manifestDigest(entries) === digest ? { held, metas } : undefined;
  }

  /**
   * Starts live sync from what matchDigest() found the node to hold. No
   * syncComplete follows (welcome already said the edge is in sync): what
   * changed since the match goes as ordinary events, an object unbound
   * meanwhile as DELETED.
   */
  resume(match: DigestMatch): void {
    this.held.clear();
    this.inFlight.clear();
    for (const [uid, token] of match.held) this.held.set(uid, token);
    const node = this.session.nodeName;
    for (const [uid, meta] of match.metas) {
      if (this.index.boundTo(node, uid)) continue;
      this.tombstones.set(uid, meta);
      this.session.markDirty(uid);
    }
    for (const entry of this.index.desiredFor(node)) {
      if (!holdsCurrent(this.held.get(entry.meta.uid), entry)) this.session.markDirty(entry.meta.uid);
    }
    this.attach();
  }

  /** The index says `meta` may have changed for this node. */
  changed(meta: ObjectMeta): void {
    if (!this.index.boundTo(this.session.nodeName, meta.uid)) this.tombstones.set(meta.uid, meta);
    this.session.markDirty(meta.uid);
  }

  produce(key: string): { payload: FramePayload; needsAck: boolean } | undefined {
    if (key === SYNC_KEY) {
      const done = this.resync ?? { deletedUids: [], sentCount: 0 };
      this.resync = undefined;
      return { payload: { type: 'syncComplete', ...done }, needsAck: false };
    }
    const have = this.inFlight.get(key) ?? this.held.get(key);
    const bound = this.index.boundTo(this.session.nodeName, key);
    if (bound) {
      this.tombstones.delete(key);
      const { meta } = bound;
      if (holdsCurrent(have, bound)) return undefined;
      const contentHash = contentHashOf(bound);
      this.inFlight.set(key, contentHash);
      if (this.resync) this.resync.sentCount++;
      const eventType = have === undefined || have === DELETED ? 'ADDED' : 'MODIFIED';
      this.metrics.objectsSent.inc({ kind: meta.kind, event: eventType });
      const body = wireBody(bound);
      return { payload: { type: 'object', eventType, ...this.names(meta), body, contentHash }, needsAck: true };
    }
    const meta = this.tombstones.get(key);
    this.tombstones.delete(key);
    if (have === undefined || have === DELETED) return undefined;
    if (!meta) {
      this.held.delete(key); // cannot be named in a DELETED frame; the next manifest's syncComplete drops it
      return undefined;
    }
    this.inFlight.set(key, DELETED);
    this.metrics.objectsSent.inc({ kind: meta.kind, event: 'DELETED' });
    return {
      payload: { type: 'object', eventType: 'DELETED', ...this.names(meta), body: new Uint8Array(), contentHash: '' },
      needsAck: true,
    };
  }

  acked(key: string, payload: FramePayload): void {
    if (payload.type !== 'object') return;
    const value = payload.eventType === 'DELETED' ? DELETED : tokenOf(payload);
    if (this.inFlight.get(key) === value) this.inFlight.delete(key);
    if (payload.eventType === 'DELETED') this.held.delete(key);
    else this.held.set(key, value);
  }

  /** What the edge holds as far as this session knows (tests, debugging). */
  heldCount(): number {
    return this.held.size;
  }

  private startResync(manifest: Map<string, string>): void {
    const node = this.session.nodeName;
    this.held.clear();
    this.inFlight.clear();
    for (const [uid, token] of manifest) this.held.set(uid, token);
    const deletedUids: string[] = [];
    for (const uid of manifest.keys()) {
      if (this.index.boundTo(node, uid) || deletedUids.length >= this.limits.maxListEntries) continue;
      deletedUids.push(uid);
      this.held.delete(uid);
    }
    this.resync = { deletedUids, sentCount: 0 };
    for (const entry of this.index.desiredFor(node)) {
      if (!holdsCurrent(this.held.get(entry.meta.uid), entry)) this.session.markDirty(entry.meta.uid);
    }
    this.session.markDirty(SYNC_KEY);
    this.attach();
  }

  private attach(): void {
    if (this.attached) return;
    this.attached = true;
    this.session.setObjectSource(this);
  }

  private names(meta: ObjectMeta) {
    return {
      kind: meta.kind,
      apiVersion: meta.apiVersion,
      namespace: meta.namespace,
      name: meta.name,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
    };
  }
}
