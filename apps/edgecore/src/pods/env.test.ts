import { describe, expect, it } from 'vitest';
import { ContainerConfigError, InvalidPodSpecError } from '../errors';
import { buildEnv, type EnvContext } from './env';
import type { Container, KubeObject, Pod } from './kube-types';

const objects: Record<string, KubeObject> = {
  'ConfigMap/ns/cm': { data: { a: '1', 'bad key': 'x', b: '$(A_UNUSED)' } },
  'Secret/ns/sec': { data: { pw: Buffer.from('hunter2').toString('base64') } },
};
const pod: Pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { app: 'web' } },
  spec: { nodeName: 'edge-1', containers: [] },
};
const ctx: EnvContext = {
  pod,
  resolve: (kind, ns, name) => objects[`${kind}/${ns}/${name}`],
  podIP: '10.0.0.5',
  hostIP: '192.0.2.1',
  node: { cpuCount: 4, memoryBytes: 2 ** 30 },
};
const build = (c: Partial<Container>): Map<string, string> =>
  buildEnv(ctx, { name: 'c', image: 'i', ...c }, 'spec.containers[0]');

describe('buildEnv', () => {
  it('applies envFrom (with prefix, skipping invalid names), then env in order with $(VAR) expansion', () => {
    const env = build({
      envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }, { secretRef: { name: 'sec' } }],
      env: [
        { name: 'X', value: '$(CM_a)+$(pw)' },
        { name: 'CM_a', value: 'override' },
        { name: 'Y', value: '$(X)/$(CM_a)' },
      ],
    });
    expect(Object.fromEntries(env)).toEqual({
      CM_a: 'override',
      CM_b: '$(A_UNUSED)',
      pw: 'hunter2',
      X: '1+hunter2',
      Y: '1+hunter2/override',
    });
  });

  it('resolves key refs, field refs and resource refs', () => {
    const env = build({
      resources: { limits: { memory: '64Mi' } },
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a' } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'pw' } } },
        { name: 'OPT', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPUS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ],
    });
    expect(Object.fromEntries(env)).toEqual({
      A: '1',
      PW: 'hunter2',
      NODE: 'edge-1',
      IP: '10.0.0.5',
      HOST: '192.0.2.1',
      APP: 'web',
      UID: 'u1',
      MEM_MI: '64',
      CPUS: '4',
    });
  });

  it('fails with CreateContainerConfig errors naming the missing object or key', () => {
    expect(() => build({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'zzz' } } }] })).toThrow(
      /key "zzz" of ConfigMap ns\/cm not found/,
    );
    expect(() => build({ envFrom: [{ secretRef: { name: 'gone' } }] })).toThrow(ContainerConfigError);
    expect(() => build({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] })).toThrow(
      InvalidPodSpecError,
    );
    expect(build({ envFrom: [{ secretRef: { name: 'gone', optional: true } }] }).size).toBe(0);
  });
});
