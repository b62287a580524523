// The scheduler's view of the cluster: every node with what it offers and
// what its bound pods already request, kept current from watch events so a
// scheduling decision never lists anything.
import type { KubeObject } from '../api';
import { canonicalJson, keyOf } from '../util/objects';
import type { Taint } from '../util/node-match';
import { nodeTaints } from '../util/node-match';
import { findCondition, isPodActive, podNodeName } from '../util/pods';
import { field } from '../util/objects';
import type { Allocatable, Resources } from './resources';
import { nodeAllocatable, podRequests } from './resources';

export interface NodeInfo {
  name: string;
  node: KubeObject;
  allocatable: Allocatable;
  requested: Resources;
  /** Requests with Kubernetes' defaults for pods that ask for nothing: what spreading weighs. */
  weighed: Resources;
  pods: number;
  /** Real taints plus the ones Kubernetes derives from conditions (not-ready, unreachable). */
  taints: Taint[];
  unschedulable: boolean;
}

interface Account {
  node: string;
  requested: Resources;
  weighed: Resources;
}

// Pods that request nothing still weigh something when spreading, as in Kubernetes.
const DEFAULT_MILLI_CPU = 100;
const DEFAULT_MEMORY = 200 * 2 ** 20;
export const weigh = (r: Resources): Resources => ({
  milliCpu: r.milliCpu || DEFAULT_MILLI_CPU,
  memory: r.memory || DEFAULT_MEMORY,
});

/** The node's scheduling-relevant shape; heartbeats do not change it. */
function signature(node: KubeObject): string {
  const ready = findCondition(node, 'Ready')?.status;
  return canonicalJson([
    node.metadata.labels,
    field(node, 'spec', 'taints'),
    field(node, 'spec', 'unschedulable'),
    ready,
    nodeAllocatable(node),
  ]);
}

function effectiveTaints(node: KubeObject): Taint[] {
  const taints = [...nodeTaints(node)];
  const ready = findCondition(node, 'Ready')?.status;
  const derived =
    ready === 'True'
      ? undefined
      : ready === 'Unknown'
        ? 'node.kubernetes.io/unreachable'
        : 'node.kubernetes.io/not-ready';
  if (derived && !taints.some((t) => t.key === derived && t.effect === 'NoSchedule'))
    taints.push({ key: derived, effect: 'NoSchedule' });
  return taints;
}

export class NodeCache {
  readonly nodes = new Map<string, NodeInfo>();
  /** Node names in a stable order the scheduler walks round-robin. */
  order: string[] = [];
  readonly #accounts = new Map<string, Account>();
  readonly #signatures = new Map<string, string>();
  /** Accounts of pods bound to a node the cache does not know yet; charged when it appears. */
  readonly #uncharged = new Set<string>();

  /** Applies a node event; true when it may let a pending pod fit. */
  onNode(type: string, node: KubeObject): boolean {
    const name = node.metadata.name;
    if (type === 'DELETED') {
      this.nodes.delete(name);
      for (const [key, account] of this.#accounts) if (account.node === name) this.#uncharged.add(key);
      this.#signatures.delete(name);
      this.order = this.order.filter((n) => n !== name);
      return false;
    }
    const info = this.nodes.get(name);
    const next: NodeInfo = {
      name,
      node,
      allocatable: nodeAllocatable(node),
      requested: info?.requested ?? { milliCpu: 0, memory: 0 },
      weighed: info?.weighed ?? { milliCpu: 0, memory: 0 },
      pods: info?.pods ?? 0,
      taints: effectiveTaints(node),
      unschedulable: field<boolean>(node, 'spec', 'unschedulable') === true,
    };
    this.nodes.set(name, next);
    if (!info) {
      this.order.push(name);
      for (const key of this.#uncharged) {
        const account = this.#accounts.get(key);
        if (account?.node === name && this.#charge(account, 1)) this.#uncharged.delete(key);
      }
    }
    const sig = signature(node);
    const changed = this.#signatures.get(name) !== sig;
    this.#signatures.set(name, sig);
    return changed;
  }

  /** Accounts a pod's requests to its node; returns the node it released capacity on, if it did. */
  onPod(type: string, pod: KubeObject): string | undefined {
    const key = keyOf(pod);
    const old = this.#accounts.get(key);
    const node = podNodeName(pod);
    const counts = type !== 'DELETED' && node !== undefined && isPodActive(pod);
    if (old && (!counts || old.node !== node)) {
      if (!this.#uncharged.delete(key)) this.#charge(old, -1);
      this.#accounts.delete(key);
    }
    if (counts && node !== undefined && (!old || old.node !== node)) {
      let req: Resources;
      try {
        req = podRequests(pod);
      } catch {
        req = { milliCpu: 0, memory: 0 };
      }
      const account = { node, requested: req, weighed: weigh(req) };
      this.#accounts.set(key, account);
      if (!this.#charge(account, 1)) this.#uncharged.add(key);
    }
    return old !== undefined && !counts ? old.node : undefined;
  }

  #charge(account: Account, sign: 1 | -1): boolean {
    const info = this.nodes.get(account.node);
    if (!info) return false;
    const add = (a: Resources, b: Resources): Resources => ({
      milliCpu: a.milliCpu + sign * b.milliCpu,
      memory: a.memory + sign * b.memory,
    });
    info.requested = add(info.requested, account.requested);
    info.weighed = add(info.weighed, account.weighed);
    info.pods += sign;
    return true;
  }
}
