/**
 * Bounds edge handshakes: at most `maxConcurrent` run at once and the next
 * ones wait in order. A waiting upgrade has its TLS handshake behind it, the
 * larger part of a reconnect's CPU on both sides; refusing it would cost a
 * second one when the node comes back. So the gate refuses only when the
 * queue is full or a handshake has waited `maxQueueWaitMs`, and gives those
 * a time to come back: the times are handed out one after another at the
 * rate the slots serve, so the excess of a reconnect storm (a region's link
 * coming back, a cloudcore restart) returns as a stream the replica can
 * serve, instead of redials piling onto a full queue.
 */
import { CloudcoreError } from '../errors';

export interface HandshakeGateOptions {
  readonly maxConcurrent: number;
  /** Most handshakes waiting at once. */
  readonly queueSize: number;
  /** Longest wait in the queue; a handshake that waited this long is told to come back. Default 300,000 ms. */
  readonly maxQueueWaitMs?: number;
  /** Told the running and waiting counts on every change (metrics). */
  readonly onChange?: (running: number, waiting: number) => void;
  /** Injectable for tests. Default Date.now. */
  readonly now?: () => number;
}

export type Release = () => void;

/** The gate is full: retry no sooner than `retryAfterMs` from now. */
export class HandshakeBusyError extends CloudcoreError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super('HANDSHAKE_BUSY', message);
  }
}

interface Waiter {
  readonly grant: (release: Release) => void;
  /** Left the queue (connection closed, or waited too long); skipped when its turn comes. */
  gone: boolean;
}

/** Handshakes completed over this window give the gate's rate. */
const RATE_WINDOW_MS = 5_000;
const BUCKET_MS = 100;
const BUCKETS = RATE_WINDOW_MS / BUCKET_MS;
/**
 * Latest return time a refusal promises. A rate measured while the replica
 * was still warming up can be far too low; past this the node asks again
 * and gets a time from the rate measured then.
 */
const MAX_PROMISE_MS = 120_000;

/**
 * Completions and the time each held its slot, per 100 ms over the last
 * window, in a ring: the same memory however long it runs.
 */
class CompletionWindow {
  private readonly counts = new Array<number>(BUCKETS).fill(0);
  private readonly heldMs = new Array<number>(BUCKETS).fill(0);
  private readonly slots = new Array<number>(BUCKETS).fill(-1);

  add(now: number, heldMs: number): void {
    const slot = Math.floor(now / BUCKET_MS);
    const i = slot % BUCKETS;
    if (this.slots[i] !== slot) {
      this.slots[i] = slot;
      this.counts[i] = 0;
      this.heldMs[i] = 0;
    }
    this.counts[i]!++;
    this.heldMs[i]! += heldMs;
  }

  /** Completions in the window that ends now, and the slot time they took together. */
  totals(now: number): { count: number; heldMs: number } {
    const oldest = Math.floor(now / BUCKET_MS) - BUCKETS;
    let count = 0;
    let heldMs = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (this.slots[i]! <= oldest) continue;
      count += this.counts[i]!;
      heldMs += this.heldMs[i]!;
    }
    return { count, heldMs };
  }
}

export class HandshakeGate {
  private running = 0;
  /** In arrival order; entries that left are dropped lazily, so a mass disconnect stays linear. */
  private readonly waiting: Waiter[] = [];
  private queued = 0;
  private readonly completions = new CompletionWindow();
  /** The next free slot handed to a refused handshake, epoch ms. */
  private nextSlotAt = 0;
  private readonly now: () => number;
  private readonly maxQueueWaitMs: number;

  constructor(private readonly options: HandshakeGateOptions) {
    this.now = options.now ?? Date.now;
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? 300_000;
  }

  /**
   * Resolves with a release function once a slot is free. Rejects
   * HandshakeBusyError with a time to come back when the queue is full or
   * the wait reached maxQueueWaitMs, and (with 0) when `signal` aborts.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (this.running < this.options.maxConcurrent) return Promise.resolve(this.take());
    if (this.queued >= this.options.queueSize) return Promise.reject(this.busy('the queue is full'));
    return new Promise<Release>((resolve, reject) => {
      const leave = (error: () => HandshakeBusyError) => {
        if (waiter.gone) return;
        waiter.gone = true;
        this.queued--;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.report();
        reject(error());
      };
      const waiter: Waiter = {
        gone: false,
        grant: (release) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () =>
        leave(() => new HandshakeBusyError('connection closed while waiting for a handshake slot', 0));
      const timer = setTimeout(
        () => leave(() => this.busy(`waited ${Math.round(this.maxQueueWaitMs / 1000)} s for a slot`)),
        this.maxQueueWaitMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.queued++;
      this.report();
    });
  }

  private busy(why: string): HandshakeBusyError {
    const perSecond = this.ratePerSecond();
    const retryAfterMs = this.reserveSlot(perSecond);
    return new HandshakeBusyError(
      `${why}: ${this.running} handshakes running and ${this.queued} waiting at ${Math.round(perSecond)}/s; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs,
    );
  }

  /**
   * Handshakes the slots can serve per second: all slots over the mean time
   * a handshake held one in the last window (Little's law). Counting
   * completions instead measures arrivals whenever the gate is not full;
   * slot times measure the replica, slow (at 10,000 nodes on one box a slot
   * took seconds) or fast. With nothing measured: one per slot per second.
   */
  ratePerSecond(): number {
    const { count, heldMs } = this.completions.totals(this.now());
    if (count === 0) return this.options.maxConcurrent;
    return (this.options.maxConcurrent * count * 1000) / Math.max(heldMs, count);
  }

  /** After the queue has drained, the next slot nobody was promised yet. */
  private reserveSlot(perSecond: number): number {
    const now = this.now();
    const drainedAt = now + (this.queued / perSecond) * 1000;
    const at = Math.min(Math.max(this.nextSlotAt, drainedAt), now + MAX_PROMISE_MS);
    this.nextSlotAt = Math.max(this.nextSlotAt, at + 1000 / perSecond);
    return Math.round(at - now);
  }

  private take(): Release {
    this.running++;
    this.report();
    const takenAt = this.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      const now = this.now();
      this.completions.add(now, now - takenAt);
      let next = this.waiting.shift();
      while (next?.gone) next = this.waiting.shift();
      if (next) {
        next.gone = true;
        this.queued--;
        return next.grant(this.take());
      }
      this.report();
    };
  }

  private report(): void {
    this.options.onChange?.(this.running, this.queued);
  }
}
