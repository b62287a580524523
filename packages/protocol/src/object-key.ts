import { ProtocolError } from './errors';

/**
 * The one way Kedge names an object across the channel, in outboxes and logs.
 * Cluster-scoped objects (Node) have namespace ''.
 */
export interface ObjectKey {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export type ObjectKeyResult = { ok: true; key: ObjectKey } | { ok: false; error: ProtocolError };

// Kind is a CamelCase identifier; namespace a DNS-1123 label; name a DNS-1123
// subdomain (Kubernetes allows more for some kinds, but never '/').
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const SEGMENT = /^[^/\s]+$/;

/**
 * Formats as `Kind/namespace/name`, or `Kind/name` when cluster-scoped.
 * Example: `Pod/default/web-0`, `Node/gantry-17`.
 */
export function formatObjectKey(key: ObjectKey): string {
  return key.namespace === '' ? `${key.kind}/${key.name}` : `${key.kind}/${key.namespace}/${key.name}`;
}

/** Parses what formatObjectKey produced; the only place such strings are split. */
export function parseObjectKey(text: string): ObjectKeyResult {
  const parts = text.split('/');
  const fail = (why: string): ObjectKeyResult => ({
    ok: false,
    error: new ProtocolError('MALFORMED', `object key "${text}" ${why}; expected Kind/namespace/name or Kind/name`, {
      field: 'objectKey',
    }),
  });
  if (parts.length !== 2 && parts.length !== 3) return fail(`has ${parts.length} parts`);
  const [kind = '', ...rest] = parts;
  if (!KIND.test(kind)) return fail(`has an invalid kind "${kind}"`);
  if (!rest.every((part) => SEGMENT.test(part))) return fail('has an empty or blank segment');
  const key: ObjectKey =
    rest.length === 1
      ? { kind, namespace: '', name: rest[0] ?? '' }
      : { kind, namespace: rest[0] ?? '', name: rest[1] ?? '' };
  return { ok: true, key };
}

/** Equality of two keys without formatting them. */
export function sameObjectKey(a: ObjectKey, b: ObjectKey): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}
