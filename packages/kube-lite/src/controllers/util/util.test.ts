import { describe, expect, it } from 'vitest';
import { InvalidIntOrPercentError, InvalidQuantityError } from '../errors';
import { templateHash } from './hash';
import { resolveIntOrPercent } from './int-or-percent';
import { selectorMatches } from './labels';
import type { NodeSelectorTerm, Taint } from './node-match';
import { nodeSelectorTermsMatch, tolerates, untoleratedTaint } from './node-match';
import { parseMilliCpu, parseQuantity } from './quantity';
import type { KubeObject } from '../api';

describe('quantities', () => {
  it('reads decimal, binary and exponent suffixes', () => {
    expect(parseMilliCpu('250m')).toBe(250);
    expect(parseMilliCpu('1.5')).toBe(1500);
    expect(parseMilliCpu(2)).toBe(2000);
    expect(parseQuantity('64Mi')).toBe(64 * 2 ** 20);
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('2k')).toBe(2000);
    expect(parseQuantity('3M')).toBe(3e6);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('4Ki')).toBe(4096);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('110')).toBe(110);
  });

  it('names the bad quantity and the fix', () => {
    expect(() => parseQuantity('12 apples')).toThrow(InvalidQuantityError);
    expect(() => parseQuantity('1Qi')).toThrow(/invalid quantity "1Qi".*e\.g\. "250m"/);
  });
});

describe('int or percent', () => {
  it('rounds surge up and unavailable down', () => {
    expect(resolveIntOrPercent('f', '25%', 0, 10, true)).toBe(3);
    expect(resolveIntOrPercent('f', '25%', 0, 10, false)).toBe(2);
    expect(resolveIntOrPercent('f', 4, 0, 10, false)).toBe(4);
    expect(resolveIntOrPercent('f', undefined, '50%', 3, true)).toBe(2);
  });

  it('rejects what is neither', () => {
    expect(() => resolveIntOrPercent('spec.x', 'lots', 0, 10, true)).toThrow(InvalidIntOrPercentError);
    expect(() => resolveIntOrPercent('spec.x', -1, 0, 10, true)).toThrow(/spec\.x: invalid value -1/);
  });
});

describe('selectors', () => {
  it('matches labels and expressions; a missing selector matches nothing', () => {
    const labels = { app: 'web', tier: 'a' };
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }, labels)).toBe(
      true,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
  });

  it('matches node selector terms on labels and the name field', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'edge-1', labels: { zone: 'a', cores: '8' } },
    } as KubeObject;
    expect(
      nodeSelectorTermsMatch([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }], node),
    ).toBe(true);
    expect(
      nodeSelectorTermsMatch([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }], node),
    ).toBe(false);
    expect(
      nodeSelectorTermsMatch([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['edge-1'] }] }], node),
    ).toBe(true);
    expect(
      nodeSelectorTermsMatch(
        [
          { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
          { matchExpressions: [{ key: 'zone', operator: 'Exists' }] },
        ],
        node,
      ),
    ).toBe(true);
    expect(nodeSelectorTermsMatch([{}], node)).toBe(false);
    expect(
      nodeSelectorTermsMatch([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['many'] }] }], node),
    ).toBe(false);
    expect(
      nodeSelectorTermsMatch([{ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['yes'] }] }], node),
    ).toBe(true);
    const both = (name: string): NodeSelectorTerm[] => [
      {
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
        matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }],
      },
    ];
    expect(nodeSelectorTermsMatch(both('edge-1'), node)).toBe(true);
    expect(nodeSelectorTermsMatch(both('edge-2'), node)).toBe(false);
  });

  it('finds the first taint no toleration covers, among the effects asked for', () => {
    const taints: Taint[] = [
      { key: 'soft', effect: 'PreferNoSchedule' },
      { key: 'edge', effect: 'NoSchedule' },
      { key: 'gone', effect: 'NoExecute' },
    ];
    expect(untoleratedTaint(taints, [], ['NoSchedule', 'NoExecute'])?.key).toBe('edge');
    expect(untoleratedTaint(taints, [{ key: 'edge', operator: 'Exists' }], ['NoSchedule', 'NoExecute'])?.key).toBe(
      'gone',
    );
    expect(untoleratedTaint(taints, [{ operator: 'Exists' }], ['NoSchedule', 'NoExecute'])).toBeUndefined();
    expect(untoleratedTaint(taints, [], ['NoExecute'])?.key).toBe('gone');
  });

  it('tolerates by key, value, operator and effect', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' as const };
    expect(tolerates({ key: 'k', operator: 'Equal', value: 'v' }, taint)).toBe(true);
    expect(tolerates({ key: 'k', value: 'w' }, taint)).toBe(false);
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true);
  });
});

describe('template hash', () => {
  it('is stable under key order and uses the safe alphabet', () => {
    const a = templateHash({ spec: { containers: [{ name: 'c', image: 'x' }] }, metadata: { labels: { app: 'a' } } });
    const b = templateHash({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ image: 'x', name: 'c' }] } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(templateHash({ x: 1 })).not.toBe(templateHash({ x: 2 }));
    expect(templateHash({ x: 1 }, 1)).not.toBe(templateHash({ x: 1 }));
  });
});
