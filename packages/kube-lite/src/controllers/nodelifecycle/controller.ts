// Node lifecycle: a node whose Lease (or, without one, whose Ready
// heartbeat) has not moved for the grace period becomes Ready=Unknown and
// gets the unreachable:NoSchedule taint, so nothing new lands on it. Unlike
// Kubernetes there is no NoExecute taint: an edge node that lost its link
// keeps running its pods (edge autonomy), and nothing is evicted.
import type { Controller, ControllerApi, KubeObject } from '../api';
import { defineController } from '../runtime/controller';
import type { Informer } from '../runtime/informer';
import { LEASES, NODES } from '../runtime/resources';
import type { ResolvedControllerOptions } from '../options';
import { clone, field, nowIso } from '../util/objects';
import type { Taint } from '../util/node-match';
import { nodeTaints } from '../util/node-match';
import type { Condition } from '../util/pods';
import { conditionsOf, findCondition } from '../util/pods';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

interface Health {
  /** Local time the node was last seen alive; local so that node clocks do not matter. */
  probeMs: number;
  leaseRenew?: string;
  heartbeat?: string;
}

const heartbeatOf = (node: KubeObject): string | undefined => findCondition(node, 'Ready')?.lastHeartbeatTime;
const hasUnreachableTaint = (node: KubeObject): boolean =>
  nodeTaints(node).some((t) => t.key === UNREACHABLE_TAINT && t.effect === 'NoSchedule');

export function nodeLifecycleController(options: ResolvedControllerOptions): Controller {
  return defineController('node-lifecycle', (api, informers, queue) => {
    const nodes = informers.informer(NODES);
    const leases = informers.informer(LEASES);
    const health = new Map<string, Health>();
    const now = Date.now();
    for (const node of nodes.list()) health.set(node.metadata.name, { probeMs: now, heartbeat: heartbeatOf(node) });
    for (const lease of leases.list()) {
      const h = lease.metadata.namespace === LEASE_NAMESPACE ? health.get(lease.metadata.name) : undefined;
      if (h) h.leaseRenew = field<string>(lease, 'spec', 'renewTime');
    }
    const onNode = (type: string, node: KubeObject): void => {
      const name = node.metadata.name;
      if (type === 'DELETED') return void health.delete(name);
      const h = health.get(name);
      const heartbeat = heartbeatOf(node);
      if (!h) health.set(name, { probeMs: Date.now(), heartbeat });
      else if (heartbeat !== h.heartbeat) Object.assign(h, { heartbeat, probeMs: Date.now() });
      queue.add(name);
    };
    const onLease = (type: string, lease: KubeObject): void => {
      if (type === 'DELETED' || lease.metadata.namespace !== LEASE_NAMESPACE) return;
      const h = health.get(lease.metadata.name);
      const renew = field<string>(lease, 'spec', 'renewTime');
      if (!h || renew === h.leaseRenew) return;
      Object.assign(h, { leaseRenew: renew, probeMs: Date.now() });
      queue.add(lease.metadata.name);
    };
    // The monitor only compares timestamps in memory; it writes nothing unless a node changes state.
    const timer = setInterval(() => {
      const t = Date.now();
      for (const [name, h] of health) {
        const stale = t - h.probeMs > options.nodeMonitorGracePeriodMs;
        const node = nodes.get(undefined, name);
        if (node && stale !== isMarked(node)) queue.add(name);
      }
    }, options.nodeMonitorPeriodMs);
    timer.unref();
    return {
      subscriptions: [nodes.subscribe(onNode), leases.subscribe(onLease)],
      initialKeys: [],
      sync: (name) => syncNode(api, nodes, health, options, name),
      onStop: () => clearInterval(timer),
    };
  });
}

/** Marked = what this controller sets on a silent node. */
const isMarked = (node: KubeObject): boolean =>
  hasUnreachableTaint(node) && findCondition(node, 'Ready')?.status === 'Unknown';

function syncNode(
  api: ControllerApi,
  nodes: Informer,
  health: Map<string, Health>,
  options: ResolvedControllerOptions,
  name: string,
): void {
  const node = nodes.get(undefined, name);
  const h = health.get(name);
  if (!node || !h) return;
  const stale = Date.now() - h.probeMs > options.nodeMonitorGracePeriodMs;
  if (stale) return markUnknown(api, nodes, node);
  if (hasUnreachableTaint(node)) {
    const updated = clone(node);
    updated.spec = { ...(updated.spec as object), taints: nodeTaints(node).filter((t) => t.key !== UNREACHABLE_TAINT) };
    nodes.observe(api.update(NODES, updated));
  }
}

function markUnknown(api: ControllerApi, nodes: Informer, node: KubeObject): void {
  const now = nowIso();
  let current = node;
  if (findCondition(node, 'Ready')?.status !== 'Unknown') {
    const updated = clone(node);
    const conditions: Condition[] = conditionsOf(node).map((c) =>
      c.status === 'Unknown'
        ? c
        : {
            ...c,
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            lastTransitionTime: now,
          },
    );
    if (!conditions.some((c) => c.type === 'Ready')) {
      conditions.push({
        type: 'Ready',
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata.creationTimestamp,
        lastTransitionTime: now,
      });
    }
    updated.status = { ...(updated.status as object), conditions };
    current = api.updateStatus(NODES, updated);
    nodes.observe(current);
    api.recordEvent(node, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
  }
  if (!hasUnreachableTaint(current)) {
    const updated = clone(current);
    const taint: Taint = { key: UNREACHABLE_TAINT, effect: 'NoSchedule', timeAdded: now };
    updated.spec = { ...(updated.spec as object), taints: [...nodeTaints(current), taint] };
    nodes.observe(api.update(NODES, updated));
  }
}
