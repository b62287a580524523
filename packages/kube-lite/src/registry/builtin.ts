// The built-in resources kube-lite serves, with the discovery facts kubectl needs.
import type { ColumnDef, ResourceDef, Subresource } from './types';
import {
  configMapColumns,
  endpointsColumns,
  eventColumns,
  leaseColumns,
  namespaceColumns,
  nodeColumns,
  plainColumns,
  podColumns,
  secretColumns,
  serviceAccountColumns,
  serviceColumns,
} from '../tables/columns-core';
import { crdColumns, daemonSetColumns, deploymentColumns, replicaSetColumns } from '../tables/columns-apps';

interface Spec {
  group?: string;
  version?: string;
  resource: string;
  kind: string;
  namespaced?: boolean;
  shortNames?: string[];
  all?: boolean;
  subresources?: Subresource[];
  fieldLabels?: string[];
  columns?: ColumnDef[];
}

const involvedFields = ['apiVersion', 'fieldPath', 'kind', 'name', 'namespace', 'resourceVersion', 'uid'].map(
  (f) => `involvedObject.${f}`,
);

const specs: Spec[] = [
  {
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    fieldLabels: ['status.phase'],
    columns: namespaceColumns,
  },
  {
    resource: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
    fieldLabels: ['spec.unschedulable'],
    columns: nodeColumns,
  },
  {
    resource: 'pods',
    kind: 'Pod',
    shortNames: ['po'],
    all: true,
    subresources: ['status', 'binding'],
    fieldLabels: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
    columns: podColumns,
  },
  { resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'], columns: configMapColumns },
  { resource: 'secrets', kind: 'Secret', fieldLabels: ['type'], columns: secretColumns },
  {
    resource: 'services',
    kind: 'Service',
    shortNames: ['svc'],
    all: true,
    subresources: ['status'],
    columns: serviceColumns,
  },
  { resource: 'endpoints', kind: 'Endpoints', shortNames: ['ep'], columns: endpointsColumns },
  { resource: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'], columns: serviceAccountColumns },
  {
    resource: 'events',
    kind: 'Event',
    shortNames: ['ev'],
    fieldLabels: [...involvedFields, 'reason', 'reportingComponent', 'source', 'type'],
    columns: eventColumns,
  },
  { group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease', columns: leaseColumns },
  {
    group: 'apps',
    resource: 'deployments',
    kind: 'Deployment',
    shortNames: ['deploy'],
    all: true,
    subresources: ['status', 'scale'],
    columns: deploymentColumns,
  },
  {
    group: 'apps',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    shortNames: ['rs'],
    all: true,
    subresources: ['status', 'scale'],
    fieldLabels: ['status.replicas'],
    columns: replicaSetColumns,
  },
  {
    group: 'apps',
    resource: 'daemonsets',
    kind: 'DaemonSet',
    shortNames: ['ds'],
    all: true,
    subresources: ['status'],
    columns: daemonSetColumns,
  },
  {
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    subresources: ['status'],
    columns: crdColumns,
  },
];

export function builtinResources(): ResourceDef[] {
  return specs.map((s) => ({
    group: s.group ?? '',
    version: s.version ?? 'v1',
    resource: s.resource,
    singular: s.kind.toLowerCase(),
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.namespaced ?? true,
    shortNames: s.shortNames ?? [],
    categories: s.all ? ['all'] : [],
    subresources: s.subresources ?? [],
    fieldLabels: s.fieldLabels ?? [],
    columns: s.columns ?? plainColumns,
    storageVersion: s.version ?? 'v1',
  }));
}
