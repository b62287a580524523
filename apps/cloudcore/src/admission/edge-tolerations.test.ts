import { describe, expect, it } from 'vitest';
import { CloudcoreError } from '../errors';
import { reviewEdgeTolerations, type Toleration } from './edge-tolerations';

const edgeNodes = new Set(['edge-1', 'edge-2']);
const isEdge = (name: string) => edgeNodes.has(name);
const DEFAULT_300: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

function review(spec: Record<string, unknown>, operation = 'CREATE', kind = 'Pod') {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'req-1', kind: { group: '', version: 'v1', kind }, operation, object: { spec } },
  };
}

function patchedTolerations(spec: Record<string, unknown>): Toleration[] | undefined {
  const { response } = reviewEdgeTolerations(review(spec), isEdge);
  expect(response).toMatchObject({ uid: 'req-1', allowed: true });
  if (!response.patch) return undefined;
  const patch = JSON.parse(Buffer.from(response.patch, 'base64').toString()) as { path: string; value: Toleration[] }[];
  expect(patch).toHaveLength(1);
  expect(patch[0]?.path).toBe('/spec/tolerations');
  return patch[0]?.value;
}

const FOREVER = [
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
];

describe('reviewEdgeTolerations', () => {
  it('replaces the 300 s defaults of a pod selecting the edge role by nodeSelector', () => {
    const value = patchedTolerations({
      nodeSelector: { 'node-role.kubernetes.io/edge': '' },
      tolerations: [...DEFAULT_300, { key: 'dedicated', operator: 'Equal', value: 'toll', effect: 'NoSchedule' }],
    });
    expect(value).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'toll', effect: 'NoSchedule' }, ...FOREVER]);
    expect(value?.some((t) => t.tolerationSeconds !== undefined)).toBe(false);
  });

  it('adds the tolerations to a pod with spec.nodeName of an edge node', () => {
    expect(patchedTolerations({ nodeName: 'edge-2' })).toEqual(FOREVER);
  });

  it('handles DaemonSet pods pinned to an edge node by matchFields', () => {
    const pinned = (node: string) => ({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
          },
        },
      },
      tolerations: DEFAULT_300,
    });
    expect(patchedTolerations(pinned('edge-1'))).toEqual(FOREVER);
    expect(patchedTolerations(pinned('cloud-node-1'))).toBeUndefined();
  });

  it('requires every affinity term to lead to the edge', () => {
    const terms = (...t: unknown[]) => ({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: t } } },
    });
    const edgeTerm = { matchExpressions: [{ key: 'node-role.kubernetes.io/edge', operator: 'Exists' }] };
    const otherTerm = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] };
    expect(patchedTolerations(terms(edgeTerm))).toEqual(FOREVER);
    expect(patchedTolerations(terms(edgeTerm, otherTerm))).toBeUndefined();
  });

  it('drops a wildcard toleration with a time limit, which would otherwise still bound the eviction', () => {
    expect(
      patchedTolerations({ nodeName: 'edge-1', tolerations: [{ operator: 'Exists', tolerationSeconds: 60 }] }),
    ).toEqual(FOREVER);
  });

  it('leaves cloud pods, other kinds, updates and already-forever pods unpatched', () => {
    expect(patchedTolerations({ nodeName: 'cloud-node-1', tolerations: DEFAULT_300 })).toBeUndefined();
    expect(patchedTolerations({ tolerations: DEFAULT_300 })).toBeUndefined();
    expect(patchedTolerations({ nodeName: 'edge-1', tolerations: FOREVER })).toBeUndefined();
    for (const r of [review({ nodeName: 'edge-1' }, 'UPDATE'), review({ nodeName: 'edge-1' }, 'CREATE', 'Service')])
      expect(reviewEdgeTolerations(r, isEdge).response.patch).toBeUndefined();
  });

  it('refuses a malformed review with BAD_REQUEST naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [null, /body must be a JSON object/],
      [{ ...review({}), apiVersion: 'admission.k8s.io/v1beta1' }, /apiVersion must be "admission.k8s.io\/v1"/],
      [{ ...review({}), request: { ...review({}).request, uid: '' } }, /request.uid must be a non-empty string/],
      [{ ...review({}), request: { ...review({}).request, object: null } }, /request.object must be the Pod/],
    ];
    for (const [input, message] of cases) {
      let caught: unknown;
      try {
        reviewEdgeTolerations(input, isEdge);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(CloudcoreError);
      expect((caught as CloudcoreError).code).toBe('BAD_REQUEST');
      expect((caught as Error).message).toMatch(message);
    }
  });
});
