// Where a DaemonSet runs, and the pod it puts on one node: the template
// plus the default tolerations and a required node affinity naming the
// node, so the scheduler binds it there as Kubernetes does.
import type { KubeObject } from '../api';
import { clone, field, list, ownerRefTo } from '../util/objects';
import type { NodeSelectorRequirement, NodeSelectorTerm, Toleration } from '../util/node-match';
import { nodeTaints, podMatchesNode, requiredNodeTerms, untoleratedTaint } from '../util/node-match';

export const REVISION_HASH_LABEL = 'controller-revision-hash';

const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const HOST_NETWORK_TOLERATION: Toleration = {
  key: 'node.kubernetes.io/network-unavailable',
  operator: 'Exists',
  effect: 'NoSchedule',
};

interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export const templateOf = (ds: KubeObject): Template => field<Template>(ds, 'spec', 'template') ?? {};

function withDefaultTolerations(spec: Record<string, unknown>): Toleration[] {
  const tolerations = [...list<Toleration>(spec.tolerations)];
  const wanted = spec.hostNetwork === true ? [...DEFAULT_TOLERATIONS, HOST_NETWORK_TOLERATION] : DEFAULT_TOLERATIONS;
  for (const t of wanted)
    if (!tolerations.some((have) => have.key === t.key && have.effect === t.effect)) tolerations.push(t);
  return tolerations;
}

export interface Placement {
  /** A new daemon pod belongs on the node. */
  shouldRun: boolean;
  /** A daemon pod already there may stay (only NoExecute taints evict). */
  shouldContinue: boolean;
}

export function placement(ds: KubeObject, node: KubeObject): Placement {
  const spec = templateOf(ds).spec ?? {};
  const probe = { apiVersion: 'v1', kind: 'Pod', metadata: { name: '' }, spec } as KubeObject;
  if (!podMatchesNode(probe, node)) return { shouldRun: false, shouldContinue: false };
  const tolerations = withDefaultTolerations(spec);
  const taints = nodeTaints(node);
  return {
    shouldRun: untoleratedTaint(taints, tolerations, ['NoSchedule', 'NoExecute']) === undefined,
    shouldContinue: untoleratedTaint(taints, tolerations, ['NoExecute']) === undefined,
  };
}

/** The daemon pod for `nodeName`: bound there by the scheduler through a matchFields affinity. */
export function daemonPod(ds: KubeObject, nodeName: string, hash: string): KubeObject {
  const template = clone(templateOf(ds));
  const spec = template.spec ?? {};
  spec.tolerations = withDefaultTolerations(spec);
  const terms: NodeSelectorTerm[] = [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }];
  const affinity = (spec.affinity as Record<string, unknown> | undefined) ?? {};
  const nodeAffinity = (affinity.nodeAffinity as Record<string, unknown> | undefined) ?? {};
  spec.affinity = {
    ...affinity,
    nodeAffinity: { ...nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  };
  const metadata: KubeObject['metadata'] = {
    name: '',
    generateName: `${ds.metadata.name}-`,
    namespace: ds.metadata.namespace,
    labels: { ...template.metadata?.labels, [REVISION_HASH_LABEL]: hash },
    ownerReferences: [ownerRefTo(ds)],
  };
  if (template.metadata?.annotations) metadata.annotations = template.metadata.annotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/** The node a daemon pod is for: spec.nodeName, or the node its matchFields affinity names. */
export function targetNode(pod: KubeObject): string | undefined {
  const bound = field<string>(pod, 'spec', 'nodeName');
  if (bound) return bound;
  for (const term of requiredNodeTerms(pod) ?? []) {
    for (const req of list<NodeSelectorRequirement>(term?.matchFields)) {
      const values = list<string>(req.values);
      if (req.key === 'metadata.name' && req.operator === 'In' && values.length === 1) return values[0];
    }
  }
  return undefined;
}
