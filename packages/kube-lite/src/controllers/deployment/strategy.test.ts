import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api';
import { fenceposts, newReplicaSetReplicas, oldReplicaSetTargets } from './strategy';

const deployment = (replicas: number, rollingUpdate?: Record<string, unknown>, type = 'RollingUpdate'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: { replicas, strategy: { type, ...(rollingUpdate ? { rollingUpdate } : {}) } },
});

const rs = (name: string, replicas: number, available: number, created: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, creationTimestamp: created },
  spec: { replicas },
  status: { replicas, availableReplicas: available },
});

describe('rolling update arithmetic', () => {
  it('rounds surge up, unavailable down, and never lets both be zero', () => {
    expect(fenceposts(deployment(10))).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(fenceposts(deployment(3, { maxSurge: 0, maxUnavailable: '10%' }))).toEqual({
      maxSurge: 0,
      maxUnavailable: 1,
    });
    expect(fenceposts(deployment(3, { maxSurge: 1, maxUnavailable: 0 }))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(fenceposts(deployment(3, undefined, 'Recreate'))).toEqual({ maxSurge: 0, maxUnavailable: 0 });
  });

  it('grows the new ReplicaSet only within replicas + maxSurge', () => {
    const d = deployment(4, { maxSurge: 1, maxUnavailable: 0 });
    const old = rs('old', 4, 4, '2026-01-01T00:00:00Z');
    expect(newReplicaSetReplicas(d, [old], 0, fenceposts(d))).toBe(1);
    const fresh = rs('new', 1, 0, '2026-01-02T00:00:00Z');
    expect(newReplicaSetReplicas(d, [old, fresh], 1, fenceposts(d))).toBe(1);
  });

  it('shrinks old ReplicaSets only while enough pods stay available', () => {
    const d = deployment(4, { maxSurge: 1, maxUnavailable: 0 });
    const old = rs('old', 4, 4, '2026-01-01T00:00:00Z');
    const notYet = rs('new', 1, 0, '2026-01-02T00:00:00Z');
    expect(oldReplicaSetTargets(d, [old, notYet], [old], notYet, fenceposts(d)).size).toBe(0);
    const ready = rs('new', 1, 1, '2026-01-02T00:00:00Z');
    expect(oldReplicaSetTargets(d, [old, ready], [old], ready, fenceposts(d)).get('old')).toBe(3);
  });

  it('removes unavailable old pods first', () => {
    const d = deployment(4, { maxSurge: 0, maxUnavailable: 2 });
    const broken = rs('broken', 2, 0, '2026-01-01T00:00:00Z');
    const good = rs('good', 2, 2, '2026-01-02T00:00:00Z');
    const fresh = rs('new', 0, 0, '2026-01-03T00:00:00Z');
    const targets = oldReplicaSetTargets(d, [broken, good, fresh], [broken, good], fresh, fenceposts(d));
    expect(targets.get('broken')).toBe(0);
    expect(targets.has('good')).toBe(false);
  });
});
