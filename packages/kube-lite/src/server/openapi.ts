// A minimal OpenAPI v3 index. kubectl apply asks it whether the server
// validates fields itself (the fieldValidation query parameter on PATCH);
// saying yes makes kubectl skip client-side schema validation, so no full
// schema is needed. Schemas are left empty: kubectl then falls back to
// its built-in patch metadata for strategic merge.
import { createHash } from 'node:crypto';
import { apiErrors } from '../errors';
import type { Registry } from '../registry/registry';
import type { ResourceDef } from '../registry/types';

const gvPath = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`);

function hashOf(defs: ResourceDef[]): string {
  return createHash('sha256')
    .update(defs.map((d) => `${d.resource}:${d.kind}:${d.namespaced}`).join(','))
    .digest('hex')
    .slice(0, 32)
    .toUpperCase();
}

export function openApiRoot(registry: Registry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of registry.groups()) {
    for (const version of versions) {
      const path = gvPath(group, version);
      paths[path] = {
        serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(registry.inGroupVersion(group, version))}`,
      };
    }
  }
  return { paths };
}

function operations(def: ResourceDef): Record<string, unknown> {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const params = [
    { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
  ];
  const op = (action: string) => ({
    operationId: `${action}${def.kind}`,
    parameters: params,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  return { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
}

export function openApiGroupVersion(registry: Registry, path: string): unknown {
  const parts = path.split('/').filter(Boolean);
  const group = parts[0] === 'api' ? '' : (parts[1] ?? '');
  const version = parts[0] === 'api' ? (parts[1] ?? '') : (parts[2] ?? '');
  const defs = registry.inGroupVersion(group, version);
  if (!defs.length || (parts[0] !== 'api' && parts[0] !== 'apis')) throw apiErrors.noSuchResource();
  const paths: Record<string, unknown> = {};
  for (const def of defs) {
    const base = `/${gvPath(group, version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.resource}/{name}`;
    paths[base] = operations(def);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0+kedge' },
    paths,
    components: { schemas: {} },
  };
}
