// Printed columns of core/v1 resources, as `kubectl get` shows them.
import type { KubeObject } from '../controllers/api';
import type { ColumnDef } from '../registry/types';
import { age, arr, mapString, num, rec, str } from './format';

export const nameColumn: ColumnDef = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata.name,
};
export const ageColumn: ColumnDef = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => age(o.metadata.creationTimestamp, now),
};

const col = (name: string, type: ColumnDef['type'], priority: number, cell: ColumnDef['cell']): ColumnDef => ({
  name,
  type,
  priority,
  description: name,
  cell,
});

/** The STATUS of a pod: the most telling container reason, else the phase. */
export function podStatus(pod: KubeObject): string {
  const status = rec(pod.status);
  let reason = str(status.reason, str(status.phase, 'Pending'));
  for (const cs of arr(status.initContainerStatuses)) {
    const state = rec(rec(cs).state);
    const term = rec(state.terminated);
    if (state.terminated && num(term.exitCode) !== 0) {
      reason = `Init:${str(term.reason, `ExitCode:${num(term.exitCode)}`)}`;
      break;
    }
    if (state.waiting && str(rec(state.waiting).reason, 'PodInitializing') !== 'PodInitializing') {
      reason = `Init:${str(rec(state.waiting).reason)}`;
      break;
    }
  }
  for (const cs of arr(status.containerStatuses)) {
    const state = rec(rec(cs).state);
    if (state.waiting && typeof rec(state.waiting).reason === 'string') reason = str(rec(state.waiting).reason);
    else if (state.terminated)
      reason = str(rec(state.terminated).reason, `ExitCode:${num(rec(state.terminated).exitCode)}`);
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

export const podColumns: ColumnDef[] = [
  nameColumn,
  col('Ready', 'string', 0, (o) => {
    const statuses = arr(rec(o.status).containerStatuses);
    const total = arr(rec(o.spec).containers).length;
    return `${statuses.filter((s) => rec(s).ready === true).length}/${total}`;
  }),
  col('Status', 'string', 0, podStatus),
  col('Restarts', 'string', 0, (o) =>
    String(arr(rec(o.status).containerStatuses).reduce<number>((n, s) => n + num(rec(s).restartCount), 0)),
  ),
  ageColumn,
  col('IP', 'string', 1, (o) => str(rec(o.status).podIP)),
  col('Node', 'string', 1, (o) => str(rec(o.spec).nodeName)),
  col('Nominated Node', 'string', 1, (o) => str(rec(o.status).nominatedNodeName)),
  col('Readiness Gates', 'string', 1, (o) => {
    const gates = arr(rec(o.spec).readinessGates);
    return gates.length ? `0/${gates.length}` : '<none>';
  }),
];

function nodeStatus(node: KubeObject): string {
  const ready = arr(rec(node.status).conditions)
    .map(rec)
    .find((c) => c.type === 'Ready');
  let s = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown';
  if (rec(node.spec).unschedulable === true) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role') roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

const address = (node: KubeObject, type: string): string =>
  str(
    arr(rec(node.status).addresses)
      .map(rec)
      .find((a) => a.type === type)?.address,
  );
const nodeInfo = (node: KubeObject, field: string): string => str(rec(rec(node.status).nodeInfo)[field], '<unknown>');

export const nodeColumns: ColumnDef[] = [
  nameColumn,
  col('Status', 'string', 0, nodeStatus),
  col('Roles', 'string', 0, nodeRoles),
  ageColumn,
  col('Version', 'string', 0, (o) => nodeInfo(o, 'kubeletVersion')),
  col('Internal-IP', 'string', 1, (o) => address(o, 'InternalIP')),
  col('External-IP', 'string', 1, (o) => address(o, 'ExternalIP')),
  col('OS-Image', 'string', 1, (o) => nodeInfo(o, 'osImage')),
  col('Kernel-Version', 'string', 1, (o) => nodeInfo(o, 'kernelVersion')),
  col('Container-Runtime', 'string', 1, (o) => nodeInfo(o, 'containerRuntimeVersion')),
];

export const namespaceColumns: ColumnDef[] = [
  nameColumn,
  col('Status', 'string', 0, (o) => str(rec(o.status).phase, 'Active')),
  ageColumn,
];
export const configMapColumns: ColumnDef[] = [
  nameColumn,
  col('Data', 'integer', 0, (o) => Object.keys(rec(o.data)).length + Object.keys(rec(o.binaryData)).length),
  ageColumn,
];
export const secretColumns: ColumnDef[] = [
  nameColumn,
  col('Type', 'string', 0, (o) => str(o.type, 'Opaque')),
  col('Data', 'integer', 0, (o) => Object.keys(rec(o.data)).length),
  ageColumn,
];

function servicePorts(svc: KubeObject): string {
  const ports = arr(rec(svc.spec).ports).map(rec);
  if (!ports.length) return '<none>';
  return ports
    .map((p) => `${num(p.port)}${p.nodePort ? `:${num(p.nodePort)}` : ''}/${str(p.protocol, 'TCP')}`)
    .join(',');
}

export const serviceColumns: ColumnDef[] = [
  nameColumn,
  col('Type', 'string', 0, (o) => str(rec(o.spec).type, 'ClusterIP')),
  col('Cluster-IP', 'string', 0, (o) => str(rec(o.spec).clusterIP)),
  col('External-IP', 'string', 0, (o) => {
    const ips = arr(rec(o.spec).externalIPs).map(String);
    return ips.length ? ips.join(',') : '<none>';
  }),
  col('Port(s)', 'string', 0, servicePorts),
  ageColumn,
  col('Selector', 'string', 1, (o) => mapString(rec(o.spec).selector)),
];

export const endpointsColumns: ColumnDef[] = [
  nameColumn,
  col('Endpoints', 'string', 0, (o) => {
    const eps: string[] = [];
    for (const subset of arr(o.subsets).map(rec)) {
      for (const a of arr(subset.addresses).map(rec))
        for (const p of arr(subset.ports).map(rec)) eps.push(`${String(a.ip)}:${num(p.port)}`);
    }
    return eps.length ? eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '') : '<none>';
  }),
  ageColumn,
];

export const serviceAccountColumns: ColumnDef[] = [
  nameColumn,
  col('Secrets', 'integer', 0, (o) => arr(o.secrets).length),
  ageColumn,
];

const involved = (o: KubeObject): Record<string, unknown> => rec(o.involvedObject);
export const eventColumns: ColumnDef[] = [
  col('Last Seen', 'string', 0, (o, now) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now)),
  col('Type', 'string', 0, (o) => str(o.type)),
  col('Reason', 'string', 0, (o) => str(o.reason)),
  col('Object', 'string', 0, (o) => `${str(involved(o).kind, '').toLowerCase()}/${str(involved(o).name, '')}`),
  col('Subobject', 'string', 1, (o) => str(involved(o).fieldPath, '')),
  col('Source', 'string', 1, (o) => str(rec(o.source).component, str(o.reportingComponent, ''))),
  col('Message', 'string', 0, (o) => str(o.message, '')),
  col('First Seen', 'string', 1, (o, now) => age(o.firstTimestamp ?? o.metadata.creationTimestamp, now)),
  col('Count', 'string', 1, (o) => String(num(o.count) || 1)),
  { ...nameColumn, priority: 1 },
];

export const leaseColumns: ColumnDef[] = [
  nameColumn,
  col('Holder', 'string', 0, (o) => str(rec(o.spec).holderIdentity, '')),
  ageColumn,
];
export const plainColumns: ColumnDef[] = [nameColumn, ageColumn];
