// Kubernetes label selectors: "a=b,c!=d,e in (x,y),f notin (z),g,!h".
import { apiErrors } from '../errors';

type Op = 'eq' | 'neq' | 'in' | 'notin' | 'exists' | '!exists' | 'gt' | 'lt';
export interface LabelRequirement {
  key: string;
  op: Op;
  values: string[];
}

export type LabelPredicate = (labels: Record<string, string> | undefined) => boolean;

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const keyPattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function fail(selector: string, why: string): never {
  throw apiErrors.badRequest(`unable to parse requirement: ${why} (in label selector "${selector}")`);
}

function checkKey(selector: string, key: string): string {
  if (!keyPattern.test(key)) fail(selector, `invalid label key "${key}"`);
  return key;
}

function checkValue(selector: string, value: string): string {
  if (value.length > 63 || !valuePattern.test(value)) fail(selector, `invalid label value "${value}"`);
  return value;
}

function parseRequirement(selector: string, part: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const values = set[3]!.split(',').map((v) => checkValue(selector, v.trim()));
    return { key: checkKey(selector, set[1]!), op: set[2] as Op, values };
  }
  const bin = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(part);
  if (bin) {
    const op: Op = bin[2] === '!=' ? 'neq' : bin[2] === '>' ? 'gt' : bin[2] === '<' ? 'lt' : 'eq';
    const value = bin[3]!.trim();
    if ((op === 'gt' || op === 'lt') && !/^-?\d+$/.test(value))
      fail(selector, `for 'Gt', 'Lt' operators, the value must be an integer`);
    return {
      key: checkKey(selector, bin[1]!),
      op,
      values: [op === 'gt' || op === 'lt' ? value : checkValue(selector, value)],
    };
  }
  if (part.startsWith('!')) return { key: checkKey(selector, part.slice(1).trim()), op: '!exists', values: [] };
  return { key: checkKey(selector, part), op: 'exists', values: [] };
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTopLevel(selector).map((p) => parseRequirement(selector, p));
}

export function matchesRequirements(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  for (const r of requirements) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = has ? labels![r.key]! : undefined;
    switch (r.op) {
      case 'eq':
      case 'in':
        if (!has || !r.values.includes(value!)) return false;
        break;
      case 'neq':
      case 'notin':
        if (has && r.values.includes(value!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        const n = Number(value);
        if (!has || !/^-?\d+$/.test(value!)) return false;
        if (r.op === 'gt' ? !(n > Number(r.values[0])) : !(n < Number(r.values[0]))) return false;
      }
    }
  }
  return true;
}

/** Parses once; the predicate is cheap enough to run per object per event. */
export function labelPredicate(selector: string | undefined): LabelPredicate | undefined {
  if (!selector || selector.trim() === '') return undefined;
  const requirements = parseLabelSelector(selector);
  return (labels) => matchesRequirements(requirements, labels);
}

/** A metav1.LabelSelector object (matchLabels/matchExpressions) as a predicate. */
export function labelSelectorObjectPredicate(selector: unknown): LabelPredicate {
  const s = (selector ?? {}) as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const requirements: LabelRequirement[] = Object.entries(s.matchLabels ?? {}).map(([key, v]) => ({
    key,
    op: 'eq',
    values: [v],
  }));
  for (const e of s.matchExpressions ?? []) {
    const op: Op =
      e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : '!exists';
    requirements.push({ key: e.key, op, values: e.values ?? [] });
  }
  return (labels) => matchesRequirements(requirements, labels);
}
