import { ContainerConfigError, InvalidPodSpecError } from '../errors';
import type { NodeResources } from '../runtime';
import { expand } from './expand';
import type { Container, KubeObject, Pod } from './kube-types';
import { parseQuantity } from './quantity';

export type Resolve = (kind: 'ConfigMap' | 'Secret', namespace: string, name: string) => KubeObject | undefined;

export interface EnvContext {
  pod: Pod;
  resolve: Resolve;
  podIP: string;
  hostIP: string;
  node: NodeResources;
}

const identifier = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Key → decoded value of a ConfigMap or Secret (Secret data is base64). */
export function objectData(kind: 'ConfigMap' | 'Secret', object: KubeObject): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const encoded = kind === 'Secret' ? object.data : object.binaryData;
  for (const [key, value] of Object.entries(encoded ?? {})) out.set(key, Buffer.from(value, 'base64'));
  const plain = kind === 'Secret' ? object.stringData : object.data;
  for (const [key, value] of Object.entries(plain ?? {})) out.set(key, Buffer.from(value, 'utf8'));
  return out;
}

function fieldValue(ctx: EnvContext, path: string, field: string): string {
  const meta = ctx.pod.metadata;
  const mapKey = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (mapKey) return (mapKey[1] === 'labels' ? meta.labels : meta.annotations)?.[mapKey[2] as string] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name;
    case 'metadata.namespace':
      return meta.namespace ?? 'default';
    case 'metadata.uid':
      return meta.uid;
    case 'spec.nodeName':
      return ctx.pod.spec.nodeName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    default:
      throw new InvalidPodSpecError(
        `${field}.valueFrom.fieldRef.fieldPath "${path}" is not supported; use metadata.name, metadata.namespace, metadata.uid, metadata.labels['k'], spec.nodeName, status.podIP or status.hostIP`,
        { field },
      );
  }
}

function resourceValue(
  ctx: EnvContext,
  container: Container,
  ref: { resource: string; divisor?: string },
  field: string,
): string {
  const [section, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  const declared = container.resources?.[section]?.[resource] ?? container.resources?.limits?.[resource];
  const fallback = resource === 'cpu' ? ctx.node.cpuCount : resource === 'memory' ? ctx.node.memoryBytes : undefined;
  if ((section !== 'limits' && section !== 'requests') || fallback === undefined) {
    throw new InvalidPodSpecError(
      `${field}.valueFrom.resourceFieldRef.resource "${ref.resource}" is not supported; use limits.cpu, limits.memory, requests.cpu or requests.memory`,
      { field },
    );
  }
  const amount = declared === undefined ? fallback : parseQuantity(declared, `${field}.valueFrom.resourceFieldRef`);
  const divisor = ref.divisor ? parseQuantity(ref.divisor, `${field}.valueFrom.resourceFieldRef.divisor`) : 1;
  return String(Math.ceil(amount / divisor));
}

function lookupKey(
  ctx: EnvContext,
  kind: 'ConfigMap' | 'Secret',
  ref: { name?: string; key: string; optional?: boolean },
): string | undefined {
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  const object = ref.name ? ctx.resolve(kind, namespace, ref.name) : undefined;
  const value = object ? objectData(kind, object).get(ref.key) : undefined;
  if (value !== undefined) return value.toString('utf8');
  if (ref.optional) return undefined;
  const what = object
    ? `key "${ref.key}" of ${kind} ${namespace}/${ref.name}`
    : `${kind} ${namespace}/${ref.name ?? ''}`;
  throw new ContainerConfigError(`${what} not found; create it or mark the reference optional`, {
    kind,
    namespace,
    name: ref.name,
    key: ref.key,
  });
}

/**
 * The container's environment as kubelet builds it: envFrom sources in order,
 * then env entries, each value `$(VAR)`-expanded against the ones before.
 * Throws ContainerConfigError when a required source is missing.
 */
export function buildEnv(ctx: EnvContext, container: Container, field: string): Map<string, string> {
  const env = new Map<string, string>();
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  for (const source of container.envFrom ?? []) {
    const kind = source.configMapRef ? 'ConfigMap' : source.secretRef ? 'Secret' : undefined;
    const ref = source.configMapRef ?? source.secretRef;
    if (!kind || !ref) continue;
    const object = ref.name ? ctx.resolve(kind, namespace, ref.name) : undefined;
    if (!object) {
      if (ref.optional) continue;
      throw new ContainerConfigError(
        `${kind} ${namespace}/${ref.name ?? ''} not found (${field}.envFrom); create it or mark it optional`,
        { kind, namespace, name: ref.name },
      );
    }
    for (const [key, value] of objectData(kind, object)) {
      const name = `${source.prefix ?? ''}${key}`;
      if (identifier.test(name)) env.set(name, value.toString('utf8'));
    }
  }
  for (const [index, entry] of (container.env ?? []).entries()) {
    const where = `${field}.env[${index}]`;
    const from = entry.valueFrom;
    let value: string | undefined;
    if (from?.configMapKeyRef) value = lookupKey(ctx, 'ConfigMap', from.configMapKeyRef);
    else if (from?.secretKeyRef) value = lookupKey(ctx, 'Secret', from.secretKeyRef);
    else if (from?.fieldRef) value = fieldValue(ctx, from.fieldRef.fieldPath, where);
    else if (from?.resourceFieldRef) value = resourceValue(ctx, container, from.resourceFieldRef, where);
    else value = expand(entry.value ?? '', (name) => env.get(name));
    if (value !== undefined) env.set(entry.name, value);
  }
  return env;
}
