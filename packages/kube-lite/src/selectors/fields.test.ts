import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../controllers/api';
import type { ApiError } from '../errors';
import { exactField, fieldPredicate } from './fields';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: { nodeName: 'edge-1' },
  status: { phase: 'Running' },
};

describe('field selectors', () => {
  it('matches declared fields with =, == and !=', () => {
    const allowed = ['spec.nodeName', 'status.phase'];
    expect(fieldPredicate('spec.nodeName=edge-1', allowed)!(pod)).toBe(true);
    expect(fieldPredicate('metadata.name==q', allowed)!(pod)).toBe(false);
    expect(fieldPredicate('status.phase!=Succeeded,status.phase!=Failed', allowed)!(pod)).toBe(true);
    expect(fieldPredicate('spec.nodeName=', allowed)!({ ...pod, spec: {} })).toBe(true);
  });

  it('rejects undeclared fields with 400 BadRequest', () => {
    try {
      fieldPredicate('spec.bogus=1', ['spec.nodeName']);
      expect.fail('accepted an unknown field');
    } catch (error) {
      expect((error as ApiError).httpCode).toBe(400);
      expect((error as ApiError).message).toContain('field label not supported: spec.bogus');
    }
  });

  it('finds exact values for index lookups', () => {
    expect(exactField('metadata.namespace=x,spec.nodeName=n1', 'spec.nodeName')).toBe('n1');
    expect(exactField('spec.nodeName!=n1', 'spec.nodeName')).toBeUndefined();
  });
});
