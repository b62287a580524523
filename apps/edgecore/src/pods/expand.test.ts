import { describe, expect, it } from 'vitest';
import { expand } from './expand';

const vars: Record<string, string> = { A: 'alpha', EMPTY: '' };
const lookup = (name: string): string | undefined => vars[name];

describe('expand', () => {
  it.each([
    ['$(A)', 'alpha'],
    ['x-$(A)-$(A)', 'x-alpha-alpha'],
    ['$(EMPTY)|', '|'],
    ['$(UNSET)', '$(UNSET)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$alpha'],
    ['$(A', '$(A'],
    ['$()', '$()'],
    ['cost: 5$', 'cost: 5$'],
    ['$A', '$A'],
  ])('%s → %s', (input, output) => {
    expect(expand(input, lookup)).toBe(output);
  });
});
