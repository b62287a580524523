import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';
import { WakeQueue } from './wake-queue';

describe('Backoff', () => {
  it('lets the first retry go at once, then doubles up to the cap', () => {
    const b = new Backoff(10_000, 40_000);
    expect(b.remainingMs('k', 0, 0)).toBe(0);
    b.next('k', 0);
    expect(b.remainingMs('k', 1_000, 1_000)).toBe(10_000);
    expect(b.remainingMs('k', 1_000, 11_000)).toBe(0);
    b.next('k', 1_000);
    b.next('k', 2_000);
    b.next('k', 3_000);
    expect(b.delayMs('k')).toBe(40_000);
    expect(b.remainingSinceLastMs('k', 13_000)).toBe(30_000);
  });

  it('starts over after twice the cap without failures, and forgets by prefix', () => {
    const b = new Backoff(100, 1_000);
    b.next('pod/a', 0);
    b.next('pod/a', 10);
    expect(b.delayMs('pod/a')).toBe(200);
    b.next('pod/a', 5_000);
    expect(b.delayMs('pod/a')).toBe(100);
    b.forget('pod/');
    expect(b.delayMs('pod/a')).toBe(0);
  });
});

describe('WakeQueue', () => {
  it('wakes keys in time order with one timer, keeping the earliest request per key', async () => {
    const woken: string[] = [];
    let resolve: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolve = r));
    const q = new WakeQueue((key) => {
      woken.push(key);
      if (woken.length === 3) resolve();
    });
    const now = Date.now();
    q.schedule('c', now + 60);
    q.schedule('a', now + 10);
    q.schedule('b', now + 30);
    q.schedule('c', now + 20);
    q.schedule('a', now + 500);
    expect(q.size).toBe(3);
    await done;
    expect(woken).toEqual(['a', 'c', 'b']);
    expect(q.size).toBe(0);
  });

  it('does nothing for cancelled keys or after stop', async () => {
    const woken: string[] = [];
    const q = new WakeQueue((key) => woken.push(key));
    q.schedule('x', Date.now() + 5);
    q.cancel('x');
    q.schedule('y', Date.now() + 5);
    q.stop();
    q.schedule('z', Date.now());
    await new Promise((r) => setTimeout(r, 40));
    expect(woken).toEqual([]);
  });
});
