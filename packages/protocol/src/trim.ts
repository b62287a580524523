/**
 * Strips fields the edge never reads from Kubernetes objects before they
 * travel cloud -> edge. On a Deployment-made Pod the managed fields alone are
 * often a third of the JSON; every byte counts on a 3 Mbit/s link.
 */

/** Metadata fields that only the control plane reads. */
const DROPPED_METADATA = ['managedFields', 'selfLink'] as const;

/** Annotations written by kubectl and controllers for their own bookkeeping. */
const DROPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'control-plane.alpha.kubernetes.io/leader',
]);
const DROPPED_ANNOTATION_PREFIXES = ['deployment.kubernetes.io/'];

/**
 * Kinds whose status the edge itself produces: the cloud's copy is stale by
 * definition, so it is not sent; the edge reports status upward instead.
 */
const EDGE_OWNED_STATUS_KINDS = new Set(['Pod', 'Node']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const droppedAnnotation = (key: string): boolean =>
  DROPPED_ANNOTATIONS.has(key) || DROPPED_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix));

function trimAnnotations(annotations: unknown): Json | undefined {
  if (!isObject(annotations)) return undefined;
  const kept: Json = {};
  let any = false;
  for (const [key, value] of Object.entries(annotations)) {
    if (droppedAnnotation(key)) continue;
    kept[key] = value;
    any = true;
  }
  return any ? kept : undefined;
}

/**
 * Returns a trimmed copy of a Kubernetes object for the cloud -> edge path:
 * no metadata.managedFields, metadata.selfLink, kubectl's
 * last-applied-configuration, deployment.kubernetes.io/* annotations, and no
 * status on Pods and Nodes (the edge owns those). The input is not changed;
 * untouched subtrees (spec, data) are shared with it, not copied.
 */
export function trimForWire<T extends object>(obj: T): T {
  const source = obj as Json;
  const out: Json = { ...source };
  if (isObject(source.metadata)) {
    const metadata: Json = { ...source.metadata };
    for (const field of DROPPED_METADATA) delete metadata[field];
    const annotations = trimAnnotations(metadata.annotations);
    if (annotations) metadata.annotations = annotations;
    else delete metadata.annotations;
    out.metadata = metadata;
  }
  if (typeof source.kind === 'string' && EDGE_OWNED_STATUS_KINDS.has(source.kind)) delete out.status;
  return out as T;
}
