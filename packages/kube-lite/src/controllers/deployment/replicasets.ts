// The ReplicaSets of a Deployment: which one is "new" (its template equals
// the Deployment's), revisions, creation and scaling.
import type { ControllerApi, KubeObject } from '../api';
import { isAlreadyExists } from '../runtime/api-errors';
import type { Informer } from '../runtime/informer';
import { REPLICA_SETS } from '../runtime/resources';
import { templateHash } from '../util/hash';
import type { LabelSelector } from '../util/labels';
import { canonicalJson, clone, creationMs, field, ownerRefTo } from '../util/objects';

export const HASH_LABEL = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

/** Deployment annotations that describe the Deployment itself and are not copied to its ReplicaSets. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export const replicasOf = (object: KubeObject): number => field<number>(object, 'spec', 'replicas') ?? 1;
export const statusCount = (object: KubeObject, name: string): number => field<number>(object, 'status', name) ?? 0;
export const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
export const byCreation = (a: KubeObject, b: KubeObject): number =>
  creationMs(a) - creationMs(b) || (a.metadata.name < b.metadata.name ? -1 : 1);

/**
 * Drops nulls and empty objects/arrays, as Go's omitempty does: a template
 * that made a round trip through kubectl (`rollout undo` sends
 * `creationTimestamp: null`) still equals the one it came from.
 */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => compact(v) ?? null);
  if (typeof value !== 'object' || value === null) return value ?? undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const c = compact(v);
    if (c !== undefined) out[k] = c;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Template without the pod-template-hash label, as a comparable string. */
function templateKey(template: unknown): string {
  const copy = clone((template ?? {}) as { metadata?: { labels?: Record<string, string> } });
  if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
  return canonicalJson(compact(copy) ?? {});
}

export function splitReplicaSets(
  deployment: KubeObject,
  owned: KubeObject[],
): { newRS: KubeObject | undefined; oldRSs: KubeObject[] } {
  const want = templateKey(field(deployment, 'spec', 'template'));
  const sorted = [...owned].sort(byCreation);
  const newRS = sorted.find((rs) => templateKey(field(rs, 'spec', 'template')) === want);
  return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
}

function copiedAnnotations(deployment: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(deployment.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  return out;
}

export interface ReplicaSetWriter {
  api: ControllerApi;
  replicaSets: Informer;
}

/** Creates the ReplicaSet for the Deployment's current template, named `<deployment>-<hash>`. */
export function createNewReplicaSet(
  w: ReplicaSetWriter,
  deployment: KubeObject,
  replicas: number,
  revision: number,
  maxSurge: number,
): KubeObject {
  const collisionCount = field<number>(deployment, 'status', 'collisionCount');
  const template = clone(field<Record<string, unknown>>(deployment, 'spec', 'template') ?? {}) as {
    metadata?: { labels?: Record<string, string> };
  };
  const hash = templateHash(template, collisionCount);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH_LABEL]: hash } };
  const selector = clone(field<LabelSelector>(deployment, 'spec', 'selector') ?? {});
  selector.matchLabels = { ...selector.matchLabels, [HASH_LABEL]: hash };
  const name = `${deployment.metadata.name}-${hash}`;
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: deployment.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: {
        ...copiedAnnotations(deployment),
        [REVISION]: String(revision),
        [DESIRED_REPLICAS]: String(replicasOf(deployment)),
        [MAX_REPLICAS]: String(replicasOf(deployment) + maxSurge),
      },
      ownerReferences: [ownerRefTo(deployment)],
    },
    spec: { replicas, minReadySeconds: field<number>(deployment, 'spec', 'minReadySeconds') ?? 0, selector, template },
  };
  try {
    const created = w.api.create(REPLICA_SETS, rs);
    w.replicaSets.observe(created);
    return created;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    // A ReplicaSet with this name exists but has another template or owner: hash collision.
    const status = {
      ...((deployment.status ?? {}) as Record<string, unknown>),
      collisionCount: (collisionCount ?? 0) + 1,
    };
    w.api.updateStatus({ group: 'apps', version: 'v1', resource: 'deployments' }, { ...clone(deployment), status });
    throw err;
  }
}

/** Sets replicas and the bookkeeping annotations; returns the written ReplicaSet (or the input when unchanged). */
export function scaleReplicaSet(
  w: ReplicaSetWriter,
  rs: KubeObject,
  deployment: KubeObject,
  replicas: number,
  maxSurge: number,
  revision?: number,
): KubeObject {
  const annotations: Record<string, string> = {
    ...rs.metadata.annotations,
    ...copiedAnnotations(deployment),
    [DESIRED_REPLICAS]: String(replicasOf(deployment)),
    [MAX_REPLICAS]: String(replicasOf(deployment) + maxSurge),
  };
  if (revision !== undefined) annotations[REVISION] = String(revision);
  const minReadySeconds = field<number>(deployment, 'spec', 'minReadySeconds') ?? 0;
  const same =
    replicasOf(rs) === replicas &&
    (field<number>(rs, 'spec', 'minReadySeconds') ?? 0) === minReadySeconds &&
    canonicalJson(annotations) === canonicalJson(rs.metadata.annotations ?? {});
  if (same) return rs;
  const updated = clone(rs);
  updated.metadata.annotations = annotations;
  updated.spec = { ...(updated.spec as Record<string, unknown>), replicas, minReadySeconds };
  const written = w.api.update(REPLICA_SETS, updated);
  w.replicaSets.observe(written);
  const before = replicasOf(rs);
  if (before !== replicas) {
    const verb = replicas > before ? 'up' : 'down';
    w.api.recordEvent(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${verb} replica set ${rs.metadata.name} from ${before} to ${replicas}`,
    );
  }
  return written;
}
