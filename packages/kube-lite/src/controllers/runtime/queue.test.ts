import { describe, expect, it } from 'vitest';
import { apiErrors } from '../../errors';
import { WorkQueue } from './queue';

describe('work queue', () => {
  it('coalesces repeated keys and retries API failures with backoff', async () => {
    const seen: string[] = [];
    let conflicts = 2;
    const abort = new AbortController();
    const queue = new WorkQueue(
      (key) => {
        seen.push(key);
        if (key === 'b' && conflicts-- > 0) throw apiErrors.conflict('apps', 'deployments', 'b', 'stale');
        if (key === 'b') abort.abort();
      },
      { baseRetryDelayMs: 1 },
    );
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('a');
    await queue.run(abort.signal);
    expect(seen).toEqual(['a', 'b', 'b', 'b']);
  });

  it('stops with the error of a sync that fails for any other reason', async () => {
    const queue = new WorkQueue(() => {
      throw new TypeError('bug');
    });
    queue.add('x');
    await expect(queue.run(new AbortController().signal)).rejects.toThrow('bug');
  });

  it('runs a key again when the sync asks for it', async () => {
    const abort = new AbortController();
    let runs = 0;
    const queue = new WorkQueue(() => {
      runs++;
      if (runs === 2) abort.abort();
      return runs === 1 ? { requeueAfterMs: 5 } : undefined;
    });
    queue.add('k');
    await queue.run(abort.signal);
    expect(runs).toBe(2);
  });

  it('makes a key whose syncs are slow wait several times a sync between coalesced events', async () => {
    const abort = new AbortController();
    const ranAt: number[] = [];
    const ran: string[] = [];
    const queue = new WorkQueue((key) => {
      ranAt.push(performance.now());
      ran.push(key);
      if (key === 'slow') {
        const until = performance.now() + 30;
        while (performance.now() < until); // a sync that walks a large fleet
      }
      if (ranAt.length === 3) abort.abort();
    });
    queue.add('slow');
    const running = queue.run(abort.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const eventAt = performance.now();
    queue.addCoalesced('slow', 1); // waits 4 × 30 ms, not 1 ms
    queue.addCoalesced('quick', 1);
    await running;
    expect(ran).toEqual(['slow', 'quick', 'slow']);
    expect(ranAt[2]! - eventAt).toBeGreaterThanOrEqual(119);
  });

  it('shares one slice per event-loop turn among the busy queues', async () => {
    const spin = (ms: number): void => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    // Keys processed since the last turn of the event loop, and the most seen in one turn.
    let sinceTurn = 0;
    let most = 0;
    let ticking = true;
    const tick = (): void => {
      most = Math.max(most, sinceTurn);
      sinceTurn = 0;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const abort = new AbortController();
    const queues = [0, 1].map(
      () =>
        new WorkQueue(
          () => {
            sinceTurn++;
            spin(2);
          },
          { sliceMs: 8 },
        ),
    );
    for (const queue of queues) for (let i = 0; i < 40; i++) queue.add(`k${i}`);
    const runs = queues.map((q) => q.run(abort.signal));
    while (queues.some((q) => q.length > 0)) await new Promise((r) => setImmediate(r));
    abort.abort();
    for (const queue of queues) queue.add('wake');
    await Promise.all(runs);
    ticking = false;
    // Each of the two gets 4 ms a turn: at most 3 keys of 2 ms (a slice of its own would allow 5).
    expect(most).toBeLessThanOrEqual(6);
    expect(most).toBeGreaterThan(0);
  });
});
