/**
 * The wire form of an indexed object: the trimmed JSON body sent to edges
 * and its content hash. The hash is memoised per indexed version (entries
 * are replaced on every change), so a storm of reconnects hashes each object
 * once, however many nodes' digests need it.
 */
import { contentHash, trimForWire } from '@kedge/protocol';
import type { IndexedObject } from './node-index';

const encoder = new TextEncoder();
const hashes = new WeakMap<IndexedObject, string>();

function trimmed(entry: IndexedObject): object {
  const { meta, object } = entry;
  return trimForWire({ ...object, kind: meta.kind, apiVersion: meta.apiVersion });
}

export function contentHashOf(entry: IndexedObject): string {
  let hash = hashes.get(entry);
  if (hash === undefined) {
    hash = contentHash(trimmed(entry));
    hashes.set(entry, hash);
  }
  return hash;
}

export function wireBody(entry: IndexedObject): Uint8Array {
  return encoder.encode(JSON.stringify(trimmed(entry)));
}
