import type { KubernetesObject } from '@kubernetes/client-node';
import { contentHash, trimForWire } from '@kedge/protocol';
import { describe, expect, it } from 'vitest';
import { slimInPlace } from './slim';

const pod = (): KubernetesObject & Record<string, unknown> => ({
  apiVersion: 'v1',
  metadata: {
    name: 'web-0',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '7',
    deletionTimestamp: new Date('2026-11-27T10:00:00Z'),
    labels: { app: 'web' },
    annotations: { 'deployment.kubernetes.io/revision': '3', 'example.com/keep': 'yes' },
    managedFields: [{ manager: 'kubectl', operation: 'Update' }],
  },
  spec: { nodeName: 'edge-1', containers: [{ name: 'app', image: 'busybox' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('slimInPlace', () => {
  it("keeps what cloudcore reads of a Pod and drops its status, managed fields and controllers' annotations", () => {
    const obj = pod();
    const spec = obj.spec;
    const wireHashBefore = contentHash(trimForWire({ ...pod(), kind: 'Pod' }));
    expect(slimInPlace('Pod', obj)).toBe(obj);
    expect(obj).not.toHaveProperty('status');
    expect(obj.metadata).not.toHaveProperty('managedFields');
    expect(obj.metadata?.annotations).toEqual({ 'example.com/keep': 'yes' });
    expect(obj.metadata?.deletionTimestamp).toEqual(new Date('2026-11-27T10:00:00Z'));
    expect(obj.spec).toBe(spec);
    // The edge's stored hashes stay valid: the wire form is the same as before.
    expect(contentHash(trimForWire({ ...obj, kind: 'Pod' }))).toBe(wireHashBefore);
  });

  it("drops kubectl's copy of a ConfigMap's data, and keeps a Device's status (its twins)", () => {
    const configMap: KubernetesObject & Record<string, unknown> = {
      metadata: {
        name: 'cfg',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"big":"x"}}' },
      },
      data: { big: 'x' },
    };
    slimInPlace('ConfigMap', configMap);
    expect(configMap.metadata).not.toHaveProperty('annotations');
    expect(configMap.data).toEqual({ big: 'x' });
    const device: KubernetesObject & Record<string, unknown> = {
      metadata: { name: 'd' },
      spec: {},
      status: { twins: [{ propertyName: 't' }] },
    };
    slimInPlace('Device', device);
    expect(device.status).toEqual({ twins: [{ propertyName: 't' }] });
  });
});
