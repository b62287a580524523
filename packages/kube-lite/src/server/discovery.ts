// Legacy discovery documents (/api, /apis, resource lists) and /version.
// kubectl falls back to these when aggregated discovery is not offered.
import type { Registry } from '../registry/registry';
import type { ResourceDef } from '../registry/types';
import { apiErrors } from '../errors';

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Kubernetes version priority: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0+kedge',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'kedge',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const sorted = [...versions].sort(compareVersions);
  const list = sorted.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

function resourceEntries(def: ResourceDef): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs,
  };
  if (def.shortNames.length) main.shortNames = def.shortNames;
  if (def.categories.length) main.categories = def.categories;
  const subs = def.subresources.map((sub) => {
    const entry: Record<string, unknown> = {
      name: `${def.resource}/${sub}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: ['get', 'patch', 'update'],
    };
    if (sub === 'scale') Object.assign(entry, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    if (sub === 'binding') Object.assign(entry, { kind: 'Binding', verbs: ['create'] });
    return entry;
  });
  if (!def.group && def.resource === 'namespaces')
    subs.push({
      name: 'namespaces/finalize',
      singularName: '',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['update'],
    });
  return [main, ...subs];
}

/** Answers /api, /apis and their children; throws NotFound for unknown groups. */
export function discovery(registry: Registry, parts: string[], serverAddress: string): unknown {
  const groups = registry.groups();
  if (parts.length === 1 && parts[0] === 'api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }
  if (parts.length === 1) {
    const named = [...groups.entries()].filter(([g]) => g !== '').sort(([a], [b]) => (a < b ? -1 : 1));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: named.map(([g, v]) => groupDoc(g, v)) };
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const versions = groups.get(parts[1]!);
    if (!versions) throw apiErrors.noSuchResource();
    return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(parts[1]!, versions) };
  }
  const group = parts[0] === 'api' ? '' : parts[1]!;
  const version = parts[0] === 'api' ? parts[1]! : parts[2]!;
  const defs = registry.inGroupVersion(group, version);
  if (!defs.length) throw apiErrors.noSuchResource();
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: defs.flatMap(resourceEntries),
  };
}
