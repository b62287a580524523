import { ProtocolError } from './errors';

/**
 * Bounds every decoded frame obeys. Both sides use the same defaults; a side
 * may lower them (a small edge) but a peer must not rely on more.
 */
export interface FrameLimits {
  /** Largest encoded frame, checked before any decoding. Bytes; default 4 MiB. */
  readonly maxFrameBytes: number;
  /** Largest object or status body (JSON). Bytes; default 3 MiB (above etcd's 1.5 MiB object limit). */
  readonly maxBodyBytes: number;
  /** Longest object, namespace, device, pod or container name. Characters; default 253 (DNS-1123 subdomain). */
  readonly maxNameLength: number;
  /** Longest other string (kind, apiVersion, uid, resourceVersion, feature, message). Characters; default 1024. */
  readonly maxStringLength: number;
  /** Most entries in one manifest part. Count; default 10,000 (a 1,000,000-object edge needs 100 parts). */
  readonly maxManifestEntries: number;
  /** Most entries in any other list (ack ids, deleted uids, status acks, features, twin properties, args). Count; default 10,000. */
  readonly maxListEntries: number;
  /** Largest stream data chunk. Bytes; default 1 MiB. */
  readonly maxStreamDataBytes: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = Object.freeze({
  maxFrameBytes: 4 * 1024 * 1024,
  maxBodyBytes: 3 * 1024 * 1024,
  maxNameLength: 253,
  maxStringLength: 1024,
  maxManifestEntries: 10_000,
  maxListEntries: 10_000,
  maxStreamDataBytes: 1024 * 1024,
});

// Results of withDefaults, so decodeFrame can use them without filling them again.
const filledLimits = new WeakSet<FrameLimits>([DEFAULT_FRAME_LIMITS]);

/** True for DEFAULT_FRAME_LIMITS and anything withDefaults returned. */
const isFilledLimits = (limits: Partial<FrameLimits>): limits is FrameLimits => filledLimits.has(limits as FrameLimits);

/** Fills unset limits with DEFAULT_FRAME_LIMITS. Build once per connection and pass the result on. */
export function withDefaults(limits: Partial<FrameLimits> = {}): FrameLimits {
  if (isFilledLimits(limits)) return limits;
  const filled = { ...DEFAULT_FRAME_LIMITS };
  for (const [name, value] of Object.entries(limits) as [keyof FrameLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_FRAME_LIMITS)) {
      const known = Object.keys(DEFAULT_FRAME_LIMITS).join(', ');
      throw new ProtocolError('INVALID_LIMIT', `unknown frame limit "${name}"; known limits: ${known}`, {
        field: name,
      });
    }
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ProtocolError('INVALID_LIMIT', `frame limit ${name} must be a positive integer, got ${String(value)}`, {
        field: name,
      });
    }
    (filled as Record<keyof FrameLimits, number>)[name] = value;
  }
  const frozen = Object.freeze(filled);
  filledLimits.add(frozen);
  return frozen;
}
