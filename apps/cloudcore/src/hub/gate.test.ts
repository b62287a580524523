import { describe, expect, it } from 'vitest';
import { HandshakeGate, type Release } from './gate';

describe('HandshakeGate', () => {
  it('runs at most maxConcurrent, queues up to queueSize in order, refuses the rest', async () => {
    const seen: string[] = [];
    const gate = new HandshakeGate({ maxConcurrent: 2, queueSize: 1, onChange: (r, w) => seen.push(`${r}/${w}`) });
    const a = await gate.acquire();
    await gate.acquire();
    const third = gate.acquire();
    await expect(gate.acquire()).rejects.toMatchObject({ code: 'HANDSHAKE_BUSY' });
    a();
    a(); // releasing twice is harmless
    await expect(third).resolves.toBeTypeOf('function');
    expect(seen.at(-1)).toBe('2/0');
  });

  it('drops a waiter whose connection closed', async () => {
    const gate = new HandshakeGate({ maxConcurrent: 1, queueSize: 5 });
    const release = await gate.acquire();
    const abort = new AbortController();
    const waiting = gate.acquire(abort.signal);
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'HANDSHAKE_BUSY' });
    release();
    await expect(gate.acquire()).resolves.toBeTypeOf('function');
  });

  it('queues only what it expects to serve soon, and hands the rest slots one after another', async () => {
    let now = 1_000_000;
    const gate = new HandshakeGate({ maxConcurrent: 2, queueSize: 100, maxQueueWaitMs: 1_000, now: () => now });
    await gate.acquire();
    await gate.acquire();
    // Nothing measured yet: 2 slots are taken to finish 2 handshakes a second, so 2 may wait 1 s.
    void gate.acquire();
    void gate.acquire();
    const refusals = await Promise.all(
      [gate.acquire(), gate.acquire(), gate.acquire()].map((p) => p.catch((e: unknown) => e)),
    );
    expect(refusals.map((e) => (e as { retryAfterMs: number }).retryAfterMs)).toEqual([1_000, 1_500, 2_000]);
    now += 10_000; // the promised slots are past: the next refusal counts from the queue again
    await expect(gate.acquire()).rejects.toMatchObject({ code: 'HANDSHAKE_BUSY', retryAfterMs: 1_000 });
  });

  it('paces refusals at the rate handshakes complete, never slower than one per slot per second', async () => {
    let now = 1_000_000;
    const gate = new HandshakeGate({ maxConcurrent: 2, queueSize: 1, maxQueueWaitMs: 60_000, now: () => now });
    const held: Release[] = [await gate.acquire(), await gate.acquire()];
    let next = gate.acquire();
    expect(gate.ratePerSecond()).toBe(2); // nothing completed: one per slot per second
    // 20 handshakes finish over the next 5 s, each slot taken again at once by the one waiting.
    for (let i = 0; i < 20; i++) {
      now += 250;
      held.shift()!();
      held.push(await next);
      next = gate.acquire();
    }
    expect(gate.ratePerSecond()).toBe(4);
    const first = (await gate.acquire().catch((e: unknown) => e)) as { retryAfterMs: number };
    const second = (await gate.acquire().catch((e: unknown) => e)) as { retryAfterMs: number };
    expect([first.retryAfterMs, second.retryAfterMs]).toEqual([250, 500]);
    now += 60_000; // a stall: nothing completes for a minute
    expect(gate.ratePerSecond()).toBe(2);
  });
});
