// The objects cloudcore needs to run: its namespace, ServiceAccount and the
// least-privilege RBAC of DESIGN.md's channel (what it watches, the status it
// writes, the Leases it renews). deploy/cloudcore/rbac.yaml holds the same
// objects; a unit test keeps the two equal.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KEDGE_NAMESPACE } from '../kube/client';

export const CLOUDCORE_SERVICE_ACCOUNT = 'cloudcore';
const partOf = { 'app.kubernetes.io/part-of': 'kedge' };
const read = ['get', 'list', 'watch'];

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** Cluster-wide rights: read what edge nodes need, write node/pod status and node Leases. */
export const clusterRules: PolicyRule[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: [...read, 'create', 'update', 'patch'] },
  { apiGroups: [''], resources: ['nodes/status'], verbs: ['update', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: [...read, 'delete'] },
  { apiGroups: [''], resources: ['pods/status'], verbs: ['update', 'patch'] },
  { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: read },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: [...read, 'create', 'update', 'patch'] },
  { apiGroups: ['devices.kubeedge.io'], resources: ['devices', 'devicemodels'], verbs: read },
  {
    apiGroups: ['devices.kubeedge.io'],
    resources: ['devicestatuses'],
    verbs: ['get', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: ['devices.kubeedge.io'], resources: ['devicestatuses/status'], verbs: ['update', 'patch'] },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'create'] },
];

/** Rights inside kedge-system only: create the CA Secret on first start. */
export const namespaceRules: PolicyRule[] = [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'update'] }];

export function namespaceObject(): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KEDGE_NAMESPACE, labels: partOf } };
}

export function rbacObjects(): KubernetesObject[] {
  const subject = { kind: 'ServiceAccount', name: CLOUDCORE_SERVICE_ACCOUNT, namespace: KEDGE_NAMESPACE };
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: CLOUDCORE_SERVICE_ACCOUNT, namespace: KEDGE_NAMESPACE, labels: partOf },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kedge:cloudcore', labels: partOf },
      rules: clusterRules,
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kedge:cloudcore', labels: partOf },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kedge:cloudcore' },
      subjects: [subject],
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'kedge:cloudcore', namespace: KEDGE_NAMESPACE, labels: partOf },
      rules: namespaceRules,
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'kedge:cloudcore', namespace: KEDGE_NAMESPACE, labels: partOf },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kedge:cloudcore' },
      subjects: [subject],
    } as KubernetesObject,
  ];
}
