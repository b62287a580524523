// The fleet as `kedge status` shows it: one row per Node with its group,
// Ready condition, last Lease renewal, bound pods and channel traffic.
import type { V1Lease, V1Node, V1Pod } from '@kubernetes/client-node';
import type { NodeTraffic } from './metrics';

export interface NodeRow {
  node: string;
  group: string;
  edge: boolean;
  online: boolean;
  /** ISO time of the last Lease renewal, if any. */
  lastSeen: string | undefined;
  pods: number;
  bytesIn: number | undefined;
  bytesOut: number | undefined;
}

const terminal = new Set(['Succeeded', 'Failed']);

export function fleetRows(
  nodes: readonly V1Node[],
  leases: readonly V1Lease[],
  pods: readonly V1Pod[],
  traffic: Map<string, NodeTraffic> | undefined,
  groupLabel: string,
): NodeRow[] {
  const renewed = new Map(leases.map((l) => [l.metadata?.name ?? '', l.spec?.renewTime]));
  const podCount = new Map<string, number>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n && !terminal.has(p.status?.phase ?? '')) podCount.set(n, (podCount.get(n) ?? 0) + 1);
  }
  return nodes
    .map((n) => {
      const name = n.metadata?.name ?? '';
      const labels = n.metadata?.labels ?? {};
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      const renew = renewed.get(name);
      const t = traffic?.get(name);
      return {
        node: name,
        group: labels[groupLabel] ?? '-',
        edge: 'node-role.kubernetes.io/edge' in labels,
        online: ready?.status === 'True',
        lastSeen: renew ? new Date(renew).toISOString() : undefined,
        pods: podCount.get(name) ?? 0,
        bytesIn: t?.bytesIn,
        bytesOut: t?.bytesOut,
      };
    })
    .sort((a, b) => a.node.localeCompare(b.node));
}
