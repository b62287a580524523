import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trimForWire } from './trim';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-0',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    selfLink: '/api/v1/namespaces/default/pods/web-0',
    labels: { app: 'web' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}',
      'deployment.kubernetes.io/revision': '3',
      'prometheus.io/scrape': 'true',
    },
    managedFields: [{ manager: 'kubectl', operation: 'Update' }],
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'rs' }],
  },
  spec: { containers: [{ name: 'web', image: 'nginx' }] },
  status: { phase: 'Running' },
});

describe('trimForWire', () => {
  it('drops control-plane fields and pod status, keeps what the edge reads', () => {
    expect(trimForWire(pod())).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-0',
        namespace: 'default',
        uid: 'u1',
        resourceVersion: '5',
        labels: { app: 'web' },
        annotations: { 'prometheus.io/scrape': 'true' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'rs' }],
      },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    });
  });

  it('does not change its input and shares untouched subtrees', () => {
    const input = pod();
    const before = JSON.stringify(input);
    const out = trimForWire(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(out).not.toBe(input);
    expect(out.spec).toBe(input.spec);
  });

  it('removes annotations entirely when only control-plane ones were there', () => {
    const input = {
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { 'deployment.kubernetes.io/revision': '1' } },
      data: { a: 'b' },
    };
    expect(trimForWire(input)).toEqual({ kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } });
  });

  it('keeps status of kinds whose status the edge does not own', () => {
    const device = { kind: 'Device', metadata: { name: 'd' }, status: { twins: [] } };
    expect(trimForWire(device)).toEqual(device);
  });

  it('is idempotent and never touches spec or data', () => {
    const metadata = fc.record({
      name: fc.string(),
      annotations: fc.dictionary(
        fc.oneof(
          fc.string(),
          fc.constantFrom('deployment.kubernetes.io/revision', 'kubectl.kubernetes.io/last-applied-configuration'),
        ),
        fc.string(),
      ),
      managedFields: fc.array(fc.jsonValue(), { maxLength: 2 }),
    });
    const object = fc.record({
      kind: fc.constantFrom('Pod', 'Node', 'ConfigMap', 'Device'),
      metadata,
      spec: fc.jsonValue(),
      data: fc.jsonValue(),
    });
    fc.assert(
      fc.property(object, (input) => {
        const once = trimForWire(input);
        expect(trimForWire(once)).toEqual(once);
        expect(once.spec).toBe(input.spec);
        expect(once.data).toBe(input.data);
        expect(
          Object.keys(once.metadata.annotations ?? {}).some((k) => k.startsWith('deployment.kubernetes.io/')),
        ).toBe(false);
      }),
    );
  });
});
