import { describe, expect, it } from 'vitest';
import { InvalidPodSpecError } from '../errors';
import type { Container, Pod } from './kube-types';
import { qosClass } from './qos';
import { engineResources, parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['64Mi', 64 * 1024 ** 2],
    ['1Gi', 1024 ** 3],
    ['128M', 128e6],
    ['1e3', 1000],
    [3, 3],
  ] as const)('%s', (input, value) => {
    expect(parseQuantity(input, 'f')).toBeCloseTo(value);
  });

  it('names the field and the fix for a bad value', () => {
    expect(() => parseQuantity('lots', 'spec.containers[0].resources.limits.cpu')).toThrow(InvalidPodSpecError);
    expect(() => parseQuantity('12Qi', 'x')).toThrow(/"12Qi" is not a Kubernetes quantity; write e.g./);
  });

  it('maps limits and requests to engine settings as kubelet does', () => {
    const c: Container = {
      name: 'a',
      image: 'i',
      resources: { limits: { cpu: '250m', memory: '32Mi' }, requests: { cpu: '100m' } },
    };
    expect(engineResources(c, 'c')).toEqual({ nanoCpus: 250_000_000, cpuShares: 102, memoryBytes: 32 * 1024 ** 2 });
    expect(engineResources({ name: 'b', image: 'i' }, 'c')).toEqual({});
  });
});

describe('qosClass', () => {
  const pod = (...containers: Container['resources'][]): Pod => ({
    metadata: { name: 'p', uid: 'u' },
    spec: { containers: containers.map((resources, i) => ({ name: `c${i}`, image: 'i', resources })) },
  });
  it('follows Kubernetes rules', () => {
    expect(qosClass(pod(undefined))).toBe('BestEffort');
    expect(qosClass(pod({ limits: { cpu: '1', memory: '1Gi' } }))).toBe('Guaranteed');
    expect(qosClass(pod({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }))).toBe('Burstable');
    expect(qosClass(pod({ limits: { cpu: '1', memory: '1Gi' } }, undefined))).toBe('Burstable');
    expect(qosClass(pod({ requests: { memory: '1Gi' } }))).toBe('Burstable');
  });
});
