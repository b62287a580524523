// Splits a request path into what it addresses: discovery, OpenAPI, or a
// resource (group, version, namespace, resource, name, subresource).
import { apiErrors } from '../errors';
import type { Registry } from '../registry/registry';
import type { ResourceDef } from '../registry/types';

export type Route =
  | { type: 'resource'; def: ResourceDef; namespace?: string; name?: string; subresource?: string }
  | { type: 'discovery'; path: string[] }
  | { type: 'other'; path: string };

export function parseRoute(registry: Registry, pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else if (parts[0] === 'api' || parts[0] === 'apis') {
    return { type: 'discovery', path: parts };
  } else {
    return { type: 'other', path: pathname };
  }
  if (rest.length === 0) return { type: 'discovery', path: parts };
  let namespace: string | undefined;
  // namespaces/{ns}/{resource}... addresses a namespaced resource; otherwise
  // "namespaces" is the Namespace resource itself (namespaces/{name}/status).
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = registry.find(group, version, rest[2]!);
    if (inner?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const def = registry.find(group, version, rest[0]!);
  if (!def) throw apiErrors.noSuchResource();
  if (rest.length > 3) throw apiErrors.noSuchResource();
  const route: Route = { type: 'resource', def };
  if (namespace !== undefined) route.namespace = namespace;
  if (rest[1] !== undefined) route.name = rest[1];
  if (rest[2] !== undefined) route.subresource = rest[2];
  return route;
}
