/**
 * Cheap resume. An object's content hash names its wire body apart from the
 * resourceVersion, so a status-only write in the cloud (new resourceVersion,
 * same trimmed body) is recognised as "already held" without resending it.
 * The manifest digest folds everything an edge holds into one string: when
 * it equals the cloud's digest of what it binds to the node, the whole
 * manifest stays at the edge and a reconnect costs a few hundred bytes.
 */
import { createHash } from 'node:crypto';
import type { ManifestEntry } from './frames';

/**
 * A Date as the API server writes it: RFC 3339, whole seconds without a
 * fraction. Typed clients turn timestamps into Dates, raw watch events keep
 * the API's strings; both must hash the same.
 */
function apiTime(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * JSON with object keys sorted at every level: the same object read from a
 * list or from a watch event (fields in another order, Dates or strings)
 * hashes the same.
 */
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(apiTime(value));
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) fields.push(`${JSON.stringify(key)}:${canonicalJson(field)}`);
    }
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Content hash of a trimmed wire object: its canonical JSON without metadata.resourceVersion. */
export function contentHash(trimmed: object): string {
  const source = trimmed as { metadata?: unknown };
  let hashed: object = trimmed;
  if (typeof source.metadata === 'object' && source.metadata !== null) {
    const { resourceVersion: _ignored, ...metadata } = source.metadata as Record<string, unknown>;
    hashed = { ...trimmed, metadata };
  }
  return createHash('sha256').update(canonicalJson(hashed)).digest('base64url').slice(0, 22);
}

/**
 * Digest of a set of (uid, contentHash) pairs, independent of their order.
 * Returns '' when any entry lacks a content hash: such a set can only be
 * compared entry by entry.
 */
export function manifestDigest(entries: Iterable<Pick<ManifestEntry, 'uid' | 'contentHash'>>): string {
  const lines: string[] = [];
  for (const entry of entries) {
    if (!entry.contentHash) return '';
    lines.push(`${entry.uid} ${entry.contentHash}\n`);
  }
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  // 128 bits: a digest compares one node's sets, it is not a signature.
  return `sha256:${hash.digest('base64url').slice(0, 22)}`;
}
