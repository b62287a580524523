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

  it('tells a handshake that waited maxQueueWaitMs when to come back, and serves the next in line', async () => {
    const gate = new HandshakeGate({ maxConcurrent: 1, queueSize: 10, maxQueueWaitMs: 30 });
    const release = await gate.acquire();
    const waited = gate.acquire();
    await expect(waited).rejects.toMatchObject({
      code: 'HANDSHAKE_BUSY',
      message: expect.stringMatching(/^waited 0 s for a slot: 1 handshakes running and 0 waiting/),
    });
    const next = gate.acquire();
    release();
    await expect(next).resolves.toBeTypeOf('function');
  });

  it('hands refused handshakes their turns one after another', async () => {
    let now = 1_000_000;
    const gate = new HandshakeGate({ maxConcurrent: 2, queueSize: 2, now: () => now });
    await gate.acquire();
    await gate.acquire();
    void gate.acquire();
    void gate.acquire();
    // Nothing measured yet: 2 slots serve 2 a second, so the queue of 2 drains in 1 s.
    const refusals = await Promise.all(
      [gate.acquire(), gate.acquire(), gate.acquire()].map((p) => p.catch((e: unknown) => e)),
    );
    expect(refusals.map((e) => (e as { retryAfterMs: number }).retryAfterMs)).toEqual([1_000, 1_500, 2_000]);
    now += 10_000; // the promised turns are past: the next refusal counts from the queue again
    await expect(gate.acquire()).rejects.toMatchObject({ code: 'HANDSHAKE_BUSY', retryAfterMs: 1_000 });
  });

  it('paces refusals at the rate the slots serve: all slots over the time a handshake holds one', async () => {
    let now = 1_000_000;
    const gate = new HandshakeGate({ maxConcurrent: 2, queueSize: 0, now: () => now });
    let held: Release[] = [await gate.acquire(), await gate.acquire()];
    expect(gate.ratePerSecond()).toBe(2); // nothing completed: one per slot per second
    // Each handshake holds its slot 500 ms, and the slots are taken again at once.
    for (let i = 0; i < 10; i++) {
      now += 500;
      for (const release of held) release();
      held = [await gate.acquire(), await gate.acquire()];
    }
    expect(gate.ratePerSecond()).toBe(4);
    const first = (await gate.acquire().catch((e: unknown) => e)) as { retryAfterMs: number };
    const second = (await gate.acquire().catch((e: unknown) => e)) as { retryAfterMs: number };
    expect([first.retryAfterMs, second.retryAfterMs]).toEqual([0, 250]);
    now += 60_000; // a stall: nothing completes for a minute
    expect(gate.ratePerSecond()).toBe(2);
  });

  it('measures a slow replica below one per slot per second, and promises no turn beyond 2 minutes', async () => {
    let now = 1_000_000;
    const gate = new HandshakeGate({ maxConcurrent: 2, queueSize: 0, now: () => now });
    const slow = [await gate.acquire(), await gate.acquire()];
    now += 8_000; // both handshakes took 8 s: 2 slots serve a quarter of a handshake per second
    for (const release of slow) release();
    await gate.acquire();
    await gate.acquire();
    expect(gate.ratePerSecond()).toBe(0.25);
    const turns: number[] = [];
    for (let i = 0; i < 40; i++)
      turns.push(((await gate.acquire().catch((e: unknown) => e)) as { retryAfterMs: number }).retryAfterMs);
    expect(turns.slice(0, 3)).toEqual([0, 4_000, 8_000]);
    expect(Math.max(...turns)).toBe(120_000);
  });

  it('does not count arrivals as capacity: a quiet gate still measures its slots', async () => {
    let now = 1_000_000;
    const gate = new HandshakeGate({ maxConcurrent: 100, queueSize: 0, now: () => now });
    // One handshake a second, each done in 50 ms: the slots could serve 2,000 a second.
    for (let i = 0; i < 5; i++) {
      const release = await gate.acquire();
      now += 50;
      release();
      now += 950;
    }
    expect(gate.ratePerSecond()).toBe(2_000);
  });
});
