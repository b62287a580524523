// Does a pod fit a node's labels, name and taints: nodeSelector, required
// node affinity (matchExpressions and matchFields) and tolerations.
import type { KubeObject } from '../api';
import { field, list } from './objects';

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

function requirementMatches(req: NodeSelectorRequirement, have: Record<string, string>): boolean {
  const present = Object.hasOwn(have, req.key);
  const value = have[req.key];
  const values = list<string>(req.values);
  switch (req.operator) {
    case 'In':
      return present && values.includes(value as string);
    case 'NotIn':
      return !present || !values.includes(value as string);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      if (!present || values.length !== 1) return false;
      const a = Number.parseInt(value as string, 10);
      const b = Number.parseInt(values[0] as string, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** Terms are ORed, requirements inside a term ANDed; a term with no requirements matches nothing. */
export function nodeSelectorTermsMatch(terms: NodeSelectorTerm[], node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const fields = { 'metadata.name': node.metadata.name };
  return terms.some((term) => {
    const exprs = list<NodeSelectorRequirement>(term?.matchExpressions);
    const fieldReqs = list<NodeSelectorRequirement>(term?.matchFields);
    if (exprs.length === 0 && fieldReqs.length === 0) return false;
    return exprs.every((r) => requirementMatches(r, labels)) && fieldReqs.every((r) => requirementMatches(r, fields));
  });
}

/**
 * The nodes a pod's required affinity names through `matchFields metadata.name In`
 * (how DaemonSet pods are pinned), as Kubernetes' NodeAffinity pre-filter:
 * undefined when some term does not name its nodes, so any node may fit.
 */
export function namedNodes(pod: KubeObject): Set<string> | undefined {
  const terms = requiredNodeTerms(pod);
  if (!terms?.length) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    const byName = list<NodeSelectorRequirement>(term?.matchFields).find(
      (r) => r.key === 'metadata.name' && r.operator === 'In',
    );
    if (!byName) return undefined;
    for (const name of list<string>(byName.values)) names.add(name);
  }
  return names;
}

export function requiredNodeTerms(pod: KubeObject): NodeSelectorTerm[] | undefined {
  const path = [
    'spec',
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
    'nodeSelectorTerms',
  ];
  const terms = field<unknown>(pod, ...path);
  return terms === undefined ? undefined : list<NodeSelectorTerm>(terms);
}

/** nodeSelector and required node affinity of a pod (or pod template, given its spec holder). */
export function podMatchesNode(pod: KubeObject, node: KubeObject): boolean {
  const raw = field<unknown>(pod, 'spec', 'nodeSelector');
  const selector = typeof raw === 'object' && raw !== null ? (raw as Record<string, string>) : {};
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(selector)) if (labels[key] !== value) return false;
  const terms = requiredNodeTerms(pod);
  return terms === undefined || nodeSelectorTermsMatch(terms, node);
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== 'Exists') return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

export const nodeTaints = (node: KubeObject): Taint[] => list<Taint>(field(node, 'spec', 'taints'));

export const podTolerations = (pod: KubeObject): Toleration[] => list<Toleration>(field(pod, 'spec', 'tolerations'));

/** The first taint with one of `effects` that no toleration covers. */
export function untoleratedTaint(
  taints: Taint[],
  tolerations: Toleration[],
  effects: ReadonlyArray<Taint['effect']>,
): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}
