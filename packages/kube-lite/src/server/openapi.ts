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

/** What kubectl asks /openapi/v2 for: the gnostic protobuf encoding of the document. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/**
 * A minimal OpenAPI v2 document, with no definitions. kubectl validates a
 * `kind: List` on the client against v2 (the server cannot be asked about a
 * List); a model it cannot find there it leaves to the server, which still
 * validates every item it is sent.
 */
export function openApiV2(title: string, version: string): { json: string; protobuf: Buffer } {
  const json = JSON.stringify({ swagger: '2.0', info: { title, version }, paths: {} });
  // openapi.v2.Document: swagger = 1, info = 2 (Info: title = 1, version = 2), paths = 8.
  const info = Buffer.concat([protoString(1, title), protoString(2, version)]);
  const protobuf = Buffer.concat([protoString(1, '2.0'), protoBytes(2, info), protoBytes(8, Buffer.alloc(0))]);
  return { json, protobuf };
}

function protoString(field: number, value: string): Buffer {
  return protoBytes(field, Buffer.from(value, 'utf8'));
}

/** A length-delimited protobuf field; the values here are short, so one-byte tags and lengths suffice. */
function protoBytes(field: number, value: Buffer): Buffer {
  if (field > 15 || value.length > 127) throw new RangeError(`field ${field} of ${value.length} bytes needs varints`);
  return Buffer.concat([Buffer.from([(field << 3) | 2, value.length]), value]);
}
