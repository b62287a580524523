// Resolves an ownerReference's apiVersion + kind to the resource that
// serves it: built-ins from a fixed table, custom resources from their CRDs.
import type { KubeObject, ResourceRef } from '../api';
import { BUILTIN_CLUSTER, BUILTIN_NAMESPACED, apiVersionOf } from '../runtime/resources';
import { field } from '../util/objects';

export interface KindInfo {
  ref: ResourceRef;
  namespaced: boolean;
}

const BUILTIN = new Map<string, KindInfo>([
  ...BUILTIN_NAMESPACED.map(({ kind, ...ref }) => [`${apiVersionOf(ref)}/${kind}`, { ref, namespaced: true }] as const),
  ...BUILTIN_CLUSTER.map(({ kind, ...ref }) => [`${apiVersionOf(ref)}/${kind}`, { ref, namespaced: false }] as const),
]);

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
}

/** Every served version of a CRD, and the one to list its objects at (storage first). */
export function crdKinds(
  crd: KubeObject,
): Array<{ apiVersion: string; kind: string; info: KindInfo; storage: boolean }> {
  const group = field<string>(crd, 'spec', 'group') ?? '';
  const kind = field<string>(crd, 'spec', 'names', 'kind') ?? '';
  const plural = field<string>(crd, 'spec', 'names', 'plural') ?? '';
  const namespaced = field<string>(crd, 'spec', 'scope') !== 'Cluster';
  const versions = (field<CrdVersion[]>(crd, 'spec', 'versions') ?? []).filter((v) => v.served !== false);
  return versions.map((v) => ({
    apiVersion: `${group}/${v.name}`,
    kind,
    info: { ref: { group, version: v.name, resource: plural }, namespaced },
    storage: v.storage === true,
  }));
}

/** The resource of `apiVersion/kind`, or undefined when nothing serves it. */
export function resolveKind(crds: Iterable<KubeObject>, apiVersion: string, kind: string): KindInfo | undefined {
  const builtin = BUILTIN.get(`${apiVersion}/${kind}`);
  if (builtin) return builtin;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (!group) return undefined;
  for (const crd of crds) {
    if (field<string>(crd, 'spec', 'group') !== group) continue;
    const match = crdKinds(crd).find((k) => k.apiVersion === apiVersion && k.kind === kind);
    if (match) return match.info;
  }
  return undefined;
}
