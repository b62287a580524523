// Small helpers over object metadata shared by the controllers.
import type { KubeObject, OwnerReference } from '../api';

export const objectKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

export const keyOf = (object: KubeObject): string => objectKey(object.metadata.namespace, object.metadata.name);

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  const namespace = key.slice(0, slash);
  return { namespace: namespace === '' ? undefined : namespace, name: key.slice(slash + 1) };
}

export const clone = <T>(value: T): T => structuredClone(value);

export function controllerRef(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** The owner reference a controller puts on what it creates. */
export function ownerRefTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Index function: the uid of the controlling owner. */
export const byControllerUid = (object: KubeObject): string[] => {
  const ref = controllerRef(object);
  return ref ? [ref.uid] : [];
};

export const isDeleting = (object: KubeObject): boolean => object.metadata.deletionTimestamp !== undefined;

/** Typed read of a nested field of a plain JSON object. */
export function field<T>(object: unknown, ...path: string[]): T | undefined {
  let current: unknown = object;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current as T | undefined;
}

/** The value when it is an array, else empty: objects are checked loosely by the server, readers must not crash. */
export const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

export function creationMs(object: KubeObject): number {
  const ts = object.metadata.creationTimestamp;
  return ts ? Date.parse(ts) : 0;
}

/** Stable JSON with sorted keys: equal objects give equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * True when `next` would change `old`: a count missing from the stored
 * status counts as 0, so a server that drops zero fields causes no write loop.
 */
export function statusDiffers(old: unknown, next: Record<string, unknown>): boolean {
  const have = (old ?? {}) as Record<string, unknown>;
  return Object.entries(next).some(([k, v]) =>
    typeof v === 'number'
      ? ((have[k] as number | undefined) ?? 0) !== v
      : canonicalJson(have[k] ?? null) !== canonicalJson(v ?? null),
  );
}
