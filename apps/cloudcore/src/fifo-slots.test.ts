import { describe, expect, it } from 'vitest';
import { FifoSlots } from './fifo-slots';

describe('FifoSlots', () => {
  it('hands out up to its limit and refuses a bad one', () => {
    const slots = new FifoSlots(2);
    const a = slots.tryTake();
    const b = slots.tryTake();
    expect(a && b).toBeTruthy();
    expect(slots.tryTake()).toBeUndefined();
    a!();
    a!(); // a second release gives nothing back twice
    expect(slots.inUse).toBe(1);
    expect(() => new FifoSlots(0)).toThrow(/positive integer, got 0/);
  });

  it('gives a freed slot to the longest waiter, and nobody jumps the queue', () => {
    const slots = new FifoSlots(1);
    const held = slots.tryTake()!;
    const order: string[] = [];
    const releases: Array<() => void> = [];
    for (const name of ['first', 'second']) {
      slots.whenFree((release) => {
        order.push(name);
        releases.push(release);
      });
    }
    expect(slots.waiting).toBe(2);
    held();
    expect(order).toEqual(['first']);
    // A slot free while others wait is theirs, not a newcomer's.
    expect(slots.tryTake()).toBeUndefined();
    releases[0]!();
    expect(order).toEqual(['first', 'second']);
    releases[1]!();
    expect(slots.inUse).toBe(0);
    expect(slots.tryTake()).toBeDefined();
  });

  it('passes a slot along thousands of waiters that have nothing to send without deep recursion', () => {
    const slots = new FifoSlots(1);
    const held = slots.tryTake()!;
    let asked = 0;
    for (let i = 0; i < 50_000; i++)
      slots.whenFree((release) => {
        asked++;
        release();
      });
    held();
    expect(asked).toBe(50_000);
    expect(slots.waiting).toBe(0);
    expect(slots.inUse).toBe(0);
  });
});
