// Filters and scoring, in Kubernetes' order: unschedulable, taints, node
// affinity/selector, resources. A node that fails says why, so the pod's
// condition can read "0/3 nodes are available: ...".
import type { KubeObject } from '../api';
import type { Taint, Toleration } from '../util/node-match';
import { nodeMatcher, podTolerations, untoleratedTaint } from '../util/node-match';
import type { NodeInfo } from './node-cache';
import { weigh } from './node-cache';
import type { Resources } from './resources';
import { podRequests } from './resources';

/** What filtering and scoring need of a pod, read once per scheduling attempt. */
export interface PodFacts {
  requests: Resources;
  /** The requests spreading weighs (defaults for pods that ask for nothing). */
  weighed: Resources;
  tolerations: Toleration[];
  matchesNode: (node: KubeObject) => boolean;
}

/** Throws InvalidQuantityError for a request Kubernetes would not parse. */
export function podFacts(pod: KubeObject): PodFacts {
  const requests = podRequests(pod);
  return { requests, weighed: weigh(requests), tolerations: podTolerations(pod), matchesNode: nodeMatcher(pod) };
}

const FITS: readonly string[] = Object.freeze([]);

export const AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Reasons the pod cannot run on the node; empty when it fits. */
export function filterNode(facts: PodFacts, info: NodeInfo): readonly string[] {
  if (info.unschedulable && untoleratedTaint([UNSCHEDULABLE_TAINT], facts.tolerations, ['NoSchedule']))
    return ['node(s) were unschedulable'];
  const taint = untoleratedTaint(info.taints, facts.tolerations, ['NoSchedule', 'NoExecute']);
  if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
  if (!facts.matchesNode(info.node)) return [AFFINITY_MISMATCH];
  const { allocatable, requested } = info;
  const tooMany = info.pods + 1 > allocatable.pods;
  const cpu = facts.requests.milliCpu > 0 && requested.milliCpu + facts.requests.milliCpu > allocatable.milliCpu;
  const memory = facts.requests.memory > 0 && requested.memory + facts.requests.memory > allocatable.memory;
  if (!tooMany && !cpu && !memory) return FITS;
  const reasons: string[] = [];
  if (tooMany) reasons.push('Too many pods');
  if (cpu) reasons.push('Insufficient cpu');
  if (memory) reasons.push('Insufficient memory');
  return reasons;
}

const free = (cap: number, used: number): number => (cap <= 0 ? 0 : Math.max(0, ((cap - used) * 100) / cap));

/** Least-allocated score in [0, 100]: the share of cpu and memory left after placing the pod. */
export function scoreNode(facts: PodFacts, info: NodeInfo): number {
  const want = facts.weighed;
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
