import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors';
import { labelPredicate, labelSelectorObjectPredicate } from './labels';

const match = (selector: string, labels: Record<string, string>): boolean => labelPredicate(selector)!(labels);

describe('label selectors', () => {
  it('supports equality, inequality and set operators', () => {
    expect(match('app=web', { app: 'web' })).toBe(true);
    expect(match('app==web', { app: 'db' })).toBe(false);
    expect(match('app!=web', {})).toBe(true);
    expect(match('app!=web', { app: 'web' })).toBe(false);
    expect(match('tier in (a, b)', { tier: 'b' })).toBe(true);
    expect(match('tier in (a,b)', {})).toBe(false);
    expect(match('tier notin (a,b)', {})).toBe(true);
    expect(match('tier notin (a,b)', { tier: 'a' })).toBe(false);
    expect(match('app', { app: '' })).toBe(true);
    expect(match('!app', { app: 'x' })).toBe(false);
    expect(match('app=web,tier in (a,b),!legacy', { app: 'web', tier: 'a' })).toBe(true);
    expect(match('example.com/role=edge', { 'example.com/role': 'edge' })).toBe(true);
  });

  it('treats an empty selector as no filter', () => {
    expect(labelPredicate('')).toBeUndefined();
    expect(labelPredicate(undefined)).toBeUndefined();
  });

  it('rejects malformed selectors with a 400', () => {
    for (const bad of ['app=we b', 'a b c', '-bad=1', 'x>y']) {
      try {
        labelPredicate(bad);
        expect.fail(`accepted ${bad}`);
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).httpCode).toBe(400);
      }
    }
  });

  it('evaluates metav1.LabelSelector objects', () => {
    const p = labelSelectorObjectPredicate({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }],
    });
    expect(p({ app: 'web', tier: 'a' })).toBe(true);
    expect(p({ app: 'web', tier: 'b' })).toBe(false);
  });
});
