// The resources the controllers read and write, named once.
import type { ResourceRef } from '../api';

const core = (resource: string): ResourceRef => ({ group: '', version: 'v1', resource });
const apps = (resource: string): ResourceRef => ({ group: 'apps', version: 'v1', resource });

export const PODS = core('pods');
export const POD_BINDING = core('pods/binding');
export const NODES = core('nodes');
export const NAMESPACES = core('namespaces');
export const REPLICA_SETS = apps('replicasets');
export const DEPLOYMENTS = apps('deployments');
export const DAEMON_SETS = apps('daemonsets');
export const EVENTS = core('events');
export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
export const CRDS: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
};

/** Built-in namespaced resources kube-lite serves: what a namespace may contain and a controller may own. */
export const BUILTIN_NAMESPACED: ReadonlyArray<ResourceRef & { kind: string }> = [
  { ...DEPLOYMENTS, kind: 'Deployment' },
  { ...DAEMON_SETS, kind: 'DaemonSet' },
  { ...REPLICA_SETS, kind: 'ReplicaSet' },
  { ...PODS, kind: 'Pod' },
  { ...core('services'), kind: 'Service' },
  { ...core('endpoints'), kind: 'Endpoints' },
  { ...core('configmaps'), kind: 'ConfigMap' },
  { ...core('secrets'), kind: 'Secret' },
  { ...core('serviceaccounts'), kind: 'ServiceAccount' },
  { ...LEASES, kind: 'Lease' },
  { ...EVENTS, kind: 'Event' },
];

/** Built-in cluster-scoped resources that may own objects. */
export const BUILTIN_CLUSTER: ReadonlyArray<ResourceRef & { kind: string }> = [
  { ...NODES, kind: 'Node' },
  { ...NAMESPACES, kind: 'Namespace' },
  { ...CRDS, kind: 'CustomResourceDefinition' },
];

export const apiVersionOf = (ref: ResourceRef): string => (ref.group ? `${ref.group}/${ref.version}` : ref.version);
export const resourceId = (ref: ResourceRef): string => `${ref.group}/${ref.version}/${ref.resource}`;
