import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff (full jitter)', () => {
  it('stays within [0, min(cap, base * 2^n)) for any random draw', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (draws) => {
          let i = 0;
          const backoff = new Backoff({ baseMs: 1_000, capMs: 60_000, random: () => draws[i++ % draws.length]! });
          draws.forEach((_, n) => {
            const delay = backoff.next();
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThan(Math.min(60_000, 1_000 * 2 ** n));
          });
        },
      ),
    );
  });

  it('widens the window up to the cap and starts over after reset', () => {
    const backoff = new Backoff({ baseMs: 1_000, capMs: 60_000, random: () => 0.999_999 });
    const windows = Array.from({ length: 9 }, () => backoff.next() + 1);
    expect(windows).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    backoff.reset();
    expect(backoff.next()).toBe(999);
  });

  it('keeps the window within a lower cap given to next(), still counting attempts', () => {
    const backoff = new Backoff({ baseMs: 1_000, capMs: 60_000, random: () => 0.999_999 });
    const windows = Array.from({ length: 5 }, () => backoff.next(5_000) + 1);
    expect(windows).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(backoff.next() + 1).toBe(32_000);
    expect(backoff.next(90_000) + 1).toBe(60_000);
  });

  it('can draw zero (full jitter, not equal jitter)', () => {
    const backoff = new Backoff({ baseMs: 1_000, capMs: 60_000, random: () => 0 });
    backoff.next();
    expect(backoff.next()).toBe(0);
  });
});
