// `kedge status`: the fleet at a glance, as a table or JSON.
import { fleetRows, type NodeRow } from '../status/fleet';
import { fetchTraffic } from '../status/metrics';
import { kubeCall, openKube, type Kube } from '../kube/client';
import { formatAge, formatBytes, formatTable } from '../ui/table';
import type { Output } from './output';

export interface StatusOptions {
  kubeconfig?: string;
  output: 'table' | 'json';
  groupLabel: string;
  metricsUrl?: string;
}

export async function collectFleet(kube: Kube, groupLabel: string, metricsUrl: string | undefined): Promise<NodeRow[]> {
  // Nodes first: a refused or unreachable API server is then reported the same
  // way every time, not by whichever parallel call failed first.
  const nodes = await kubeCall(kube, 'list nodes', () => kube.core.listNode());
  const [leases, pods, traffic] = await Promise.all([
    kubeCall(kube, 'list leases in kube-node-lease', () =>
      kube.coordination.listNamespacedLease({ namespace: 'kube-node-lease' }),
    ),
    kubeCall(kube, 'list pods', () => kube.core.listPodForAllNamespaces()),
    metricsUrl ? fetchTraffic(metricsUrl) : Promise.resolve(undefined),
  ]);
  return fleetRows(nodes.items, leases.items, pods.items, traffic, groupLabel);
}

export function renderFleet(rows: readonly NodeRow[], now = Date.now()): string {
  if (rows.length === 0) return 'No nodes. Join one with `kedge join` (see `kedge token create`).';
  const bytes = (n: number | undefined): string => (n === undefined ? '-' : formatBytes(n));
  return formatTable(
    ['NODE', 'GROUP', 'ONLINE', 'LAST SEEN', 'PODS', 'BYTES IN', 'BYTES OUT'],
    rows.map((r) => [
      r.node,
      r.group,
      r.online ? 'yes' : 'no',
      r.lastSeen ? `${formatAge(now - Date.parse(r.lastSeen))} ago` : '-',
      String(r.pods),
      bytes(r.bytesIn),
      bytes(r.bytesOut),
    ]),
  );
}

export async function status(opts: StatusOptions, out: Output): Promise<NodeRow[]> {
  const kube = openKube(opts.kubeconfig);
  const rows = await collectFleet(kube, opts.groupLabel, opts.metricsUrl);
  out.data(opts.output === 'json' ? JSON.stringify(rows, null, 2) : renderFleet(rows));
  return rows;
}
