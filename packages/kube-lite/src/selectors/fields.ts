// Kubernetes field selectors: "metadata.name=x,spec.nodeName!=y". Only the
// fields a resource declares are accepted; others are a 400 like upstream.
import type { KubeObject } from '../controllers/api';
import { apiErrors } from '../errors';
import { getPath } from '../tables/format';

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

export type ObjectPredicate = (object: KubeObject) => boolean;

export function parseFieldSelector(selector: string, allowed: readonly string[]): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const raw of selector.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw apiErrors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = m[1]!.trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !allowed.includes(field)) {
      throw apiErrors.badRequest(`field label not supported: ${field}`);
    }
    out.push({ field, negate: m[2] === '!=', value: m[3]!.trim() });
  }
  return out;
}

function fieldValue(object: KubeObject, field: string): string {
  const v = getPath(object, field);
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function fieldPredicate(selector: string | undefined, allowed: readonly string[]): ObjectPredicate | undefined {
  if (!selector || selector.trim() === '') return undefined;
  const requirements = parseFieldSelector(selector, allowed);
  return (object) => requirements.every((r) => (fieldValue(object, r.field) === r.value) !== r.negate);
}

/** The value of `field=value` when a selector pins a field exactly (used to pick an index). */
export function exactField(selector: string | undefined, field: string): string | undefined {
  if (!selector) return undefined;
  for (const part of selector.split(',')) {
    const m = /^\s*([^=!]+?)\s*==?\s*(.*?)\s*$/.exec(part);
    if (m && m[1] === field && !part.includes('!=')) return m[2];
  }
  return undefined;
}
