/**
 * Mutating admission for pods bound for edge nodes: their NoExecute
 * tolerations of `unreachable` and `not-ready` lose `tolerationSeconds`
 * (tolerate forever). On a real cluster the taint manager evicts a pod
 * after the smallest tolerationSeconds of its matching tolerations, and
 * DefaultTolerationSeconds has already added 300 s when webhooks run; a
 * pod's tolerations cannot change after creation, so admission is the only
 * place to act. An edge node offline for hours then keeps its pods.
 */
import { CloudcoreError } from '../errors';

/** The label cloudcore puts on every edge Node. */
export const EDGE_ROLE_LABEL = 'node-role.kubernetes.io/edge';
export const EVICTION_TAINTS = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'] as const;

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number | null;
}

interface Requirement {
  key?: string;
  operator?: string;
  values?: string[];
}

interface PodLike {
  spec?: {
    nodeName?: string;
    nodeSelector?: Record<string, string>;
    affinity?: {
      nodeAffinity?: {
        requiredDuringSchedulingIgnoredDuringExecution?: {
          nodeSelectorTerms?: { matchExpressions?: Requirement[]; matchFields?: Requirement[] }[];
        };
      };
    };
    tolerations?: Toleration[];
  };
}

export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: { uid: string; allowed: true; patchType?: 'JSONPatch'; patch?: string };
}

/** Whether every way the pod can be scheduled leads to an edge node. */
export function targetsEdge(pod: PodLike, isEdgeNode: (name: string) => boolean): boolean {
  const spec = pod.spec ?? {};
  if (spec.nodeName) return isEdgeNode(spec.nodeName);
  if (spec.nodeSelector && EDGE_ROLE_LABEL in spec.nodeSelector) return true;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  // Terms are ORed: the pod is bound for the edge only when each term requires it.
  return terms.length > 0 && terms.every((term) => termRequiresEdge(term, isEdgeNode));
}

function termRequiresEdge(
  term: { matchExpressions?: Requirement[]; matchFields?: Requirement[] },
  isEdgeNode: (name: string) => boolean,
): boolean {
  const byLabel = (term.matchExpressions ?? []).some(
    (r) => r.key === EDGE_ROLE_LABEL && (r.operator === 'Exists' || r.operator === 'In'),
  );
  // DaemonSet pods are pinned with matchFields metadata.name In [node].
  const byName = (term.matchFields ?? []).some(
    (r) =>
      r.key === 'metadata.name' &&
      r.operator === 'In' &&
      (r.values ?? []).length > 0 &&
      (r.values ?? []).every(isEdgeNode),
  );
  return byLabel || byName;
}

/** A toleration the taint manager would count for an eviction taint, with a time limit. */
function limitsEviction(t: Toleration): boolean {
  const keyMatches =
    (t.key !== undefined && t.key !== '' && (EVICTION_TAINTS as readonly string[]).includes(t.key)) ||
    ((t.key === undefined || t.key === '') && t.operator === 'Exists');
  const effectMatches = t.effect === undefined || t.effect === '' || t.effect === 'NoExecute';
  return keyMatches && effectMatches && t.tolerationSeconds !== undefined && t.tolerationSeconds !== null;
}

/** The pod's tolerations with the eviction ones made unlimited; undefined when nothing changes. */
export function foreverTolerations(tolerations: readonly Toleration[]): Toleration[] | undefined {
  const kept = tolerations.filter((t) => !limitsEviction(t));
  for (const key of EVICTION_TAINTS) {
    const forever = kept.some(
      (t) => t.key === key && (t.effect === 'NoExecute' || !t.effect) && (t.operator ?? 'Equal') === 'Exists',
    );
    if (!forever) kept.push({ key, operator: 'Exists', effect: 'NoExecute' });
  }
  const same = kept.length === tolerations.length && kept.every((t, i) => t === tolerations[i]);
  return same ? undefined : kept;
}

/**
 * Answers one AdmissionReview (admission.k8s.io/v1). Pods created for edge
 * nodes get a JSON patch of spec.tolerations; everything else is allowed
 * unchanged. Throws BAD_REQUEST naming the field when the review is malformed.
 */
export function reviewEdgeTolerations(review: unknown, isEdgeNode: (name: string) => boolean): AdmissionReview {
  const bad = (field: string, want: string) =>
    new CloudcoreError('BAD_REQUEST', `AdmissionReview ${field} must be ${want}`, { field });
  if (typeof review !== 'object' || review === null) throw bad('body', 'a JSON object');
  const r = review as { apiVersion?: unknown; kind?: unknown; request?: Record<string, unknown> };
  if (r.apiVersion !== 'admission.k8s.io/v1')
    throw bad('apiVersion', '"admission.k8s.io/v1" (set admissionReviewVersions: [v1] in the webhook)');
  if (r.kind !== 'AdmissionReview') throw bad('kind', '"AdmissionReview"');
  const request = r.request;
  if (typeof request !== 'object' || request === null) throw bad('request', 'an object');
  if (typeof request.uid !== 'string' || request.uid === '') throw bad('request.uid', 'a non-empty string');
  const allowed: AdmissionReview = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: request.uid, allowed: true },
  };
  const kind = (request.kind as { kind?: unknown } | undefined)?.kind;
  if (kind !== 'Pod' || request.operation !== 'CREATE') return allowed;
  if (typeof request.object !== 'object' || request.object === null) throw bad('request.object', 'the Pod');
  const pod = request.object as PodLike;
  if (!targetsEdge(pod, isEdgeNode)) return allowed;
  const tolerations = foreverTolerations(pod.spec?.tolerations ?? []);
  if (!tolerations) return allowed;
  const patch = [{ op: 'add', path: '/spec/tolerations', value: tolerations }];
  allowed.response.patchType = 'JSONPatch';
  allowed.response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
  return allowed;
}
