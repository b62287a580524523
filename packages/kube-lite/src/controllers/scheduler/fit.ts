// Filters and scoring, in Kubernetes' order: unschedulable, taints, node
// affinity/selector, resources. A node that fails says why, so the pod's
// condition can read "0/3 nodes are available: ...".
import type { KubeObject } from '../api';
import type { Toleration } from '../util/node-match';
import { podMatchesNode, untoleratedTaint, tolerates } from '../util/node-match';
import type { NodeInfo } from './node-cache';
import { weigh } from './node-cache';
import type { Resources } from './resources';

export interface PodFacts {
  pod: KubeObject;
  requests: Resources;
  tolerations: Toleration[];
}

export const AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' } as const;

/** Reasons the pod cannot run on the node; empty when it fits. */
export function filterNode(facts: PodFacts, info: NodeInfo): string[] {
  if (info.unschedulable && !facts.tolerations.some((t) => tolerates(t, UNSCHEDULABLE_TAINT)))
    return ['node(s) were unschedulable'];
  const taint = untoleratedTaint(info.taints, facts.tolerations, ['NoSchedule', 'NoExecute']);
  if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
  if (!podMatchesNode(facts.pod, info.node)) return [AFFINITY_MISMATCH];
  const reasons: string[] = [];
  const { allocatable, requested } = info;
  if (info.pods + 1 > allocatable.pods) reasons.push('Too many pods');
  if (facts.requests.milliCpu > 0 && requested.milliCpu + facts.requests.milliCpu > allocatable.milliCpu)
    reasons.push('Insufficient cpu');
  if (facts.requests.memory > 0 && requested.memory + facts.requests.memory > allocatable.memory)
    reasons.push('Insufficient memory');
  return reasons;
}

/** Least-allocated score in [0, 100]: the share of cpu and memory left after placing the pod. */
export function scoreNode(facts: PodFacts, info: NodeInfo): number {
  const want = weigh(facts.requests);
  const free = (cap: number, used: number): number => (cap <= 0 ? 0 : Math.max(0, ((cap - used) * 100) / cap));
  return (
    (free(info.allocatable.milliCpu, info.weighed.milliCpu + want.milliCpu) +
      free(info.allocatable.memory, info.weighed.memory + want.memory)) /
    2
  );
}

/** "0/3 nodes are available: 1 node(s) didn't match ..., 2 Insufficient cpu." */
export function unschedulableMessage(total: number, reasons: Map<string, number>): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const parts = [...reasons.entries()].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}

/** How many feasible nodes to find before choosing, as Kubernetes' percentageOfNodesToScore. */
export function feasibleNodesToFind(total: number): number {
  if (total < 100) return total;
  const percentage = Math.max(5, 50 - Math.floor(total / 125));
  return Math.max(100, Math.floor((total * percentage) / 100));
}
