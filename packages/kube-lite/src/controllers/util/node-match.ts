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

type LabelTest = (have: Record<string, string>) => boolean;

/** One requirement as a test of a label (or field) map, its values read once. */
function requirementTest(req: NodeSelectorRequirement): LabelTest {
  const key = req.key;
  const values = list<string>(req.values);
  switch (req.operator) {
    case 'In':
      return (have) => Object.hasOwn(have, key) && values.includes(have[key] as string);
    case 'NotIn':
      return (have) => !Object.hasOwn(have, key) || !values.includes(have[key] as string);
    case 'Exists':
      return (have) => Object.hasOwn(have, key);
    case 'DoesNotExist':
      return (have) => !Object.hasOwn(have, key);
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? Number.parseInt(values[0] as string, 10) : Number.NaN;
      if (Number.isNaN(bound)) return () => false;
      const gt = req.operator === 'Gt';
      return (have) => {
        if (!Object.hasOwn(have, key)) return false;
        const value = Number.parseInt(have[key] as string, 10);
        return !Number.isNaN(value) && (gt ? value > bound : value < bound);
      };
    }
    default:
      return () => false;
  }
}

type NodeTest = (node: KubeObject) => boolean;

/** Terms are ORed, requirements inside a term ANDed; a term with no requirements matches nothing. */
function termsTest(terms: NodeSelectorTerm[]): NodeTest {
  const compiled = terms.map((term) => ({
    labels: list<NodeSelectorRequirement>(term?.matchExpressions).map(requirementTest),
    fields: list<NodeSelectorRequirement>(term?.matchFields).map(requirementTest),
  }));
  const matches = (tests: LabelTest[], have: Record<string, string>): boolean => {
    for (const test of tests) if (!test(have)) return false;
    return true;
  };
  return (node) => {
    const labels = node.metadata.labels ?? {};
    for (const term of compiled) {
      if (term.labels.length === 0 && term.fields.length === 0) continue;
      if (!matches(term.labels, labels)) continue;
      if (term.fields.length === 0 || matches(term.fields, { 'metadata.name': node.metadata.name })) return true;
    }
    return false;
  };
}

export function nodeSelectorTermsMatch(terms: NodeSelectorTerm[], node: KubeObject): boolean {
  return termsTest(terms)(node);
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

/**
 * nodeSelector and required node affinity of a pod (or pod template, given its
 * spec holder), read once: the scheduler tests one pod against thousands of nodes.
 */
export function nodeMatcher(pod: KubeObject): NodeTest {
  const raw = field<unknown>(pod, 'spec', 'nodeSelector');
  const selector = Object.entries(typeof raw === 'object' && raw !== null ? (raw as Record<string, string>) : {});
  const terms = requiredNodeTerms(pod);
  const affinity = terms === undefined ? undefined : termsTest(terms);
  return (node) => {
    const labels = node.metadata.labels ?? {};
    for (const [key, value] of selector) if (labels[key] !== value) return false;
    return affinity === undefined || affinity(node);
  };
}

export const podMatchesNode = (pod: KubeObject, node: KubeObject): boolean => nodeMatcher(pod)(node);

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== 'Exists') return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

export const nodeTaints = (node: KubeObject): Taint[] => list<Taint>(field(node, 'spec', 'taints'));

export const podTolerations = (pod: KubeObject): Toleration[] => list<Toleration>(field(pod, 'spec', 'tolerations'));

/** The first taint with one of `effects` that no toleration covers. Loops, not closures: it runs per node scanned. */
export function untoleratedTaint(
  taints: Taint[],
  tolerations: Toleration[],
  effects: ReadonlyArray<Taint['effect']>,
): Taint | undefined {
  for (const taint of taints) {
    if (!effects.includes(taint.effect)) continue;
    let tolerated = false;
    for (const toleration of tolerations) if ((tolerated = tolerates(toleration, taint))) break;
    if (!tolerated) return taint;
  }
  return undefined;
}
