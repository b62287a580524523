// Small metadata helpers shared by the write paths.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../controllers/api';
import type { ResourceDef } from '../registry/types';
import { apiVersionOf } from '../registry/types';

/** RFC 3339 with second precision, as Kubernetes stamps metav1.Time. */
export const nowTimestamp = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** The object's content without metadata and status: what bumps generation when it changes. */
export function specOf(o: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify(rest);
}

export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Presents a stored object at the version it was asked for (CRDs may serve several, without conversion). */
export function presentAt(def: ResourceDef, o: KubeObject): KubeObject {
  const apiVersion = apiVersionOf(def);
  return o.apiVersion === apiVersion ? o : { ...o, apiVersion };
}
