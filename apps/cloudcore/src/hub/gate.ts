/**
 * Bounds edge handshakes: at most `maxConcurrent` run at once, the next ones
 * wait in order while their expected wait stays short, and the rest are
 * refused with a time to come back. Those times are handed out one after
 * another at the rate handshakes are completing, so a reconnect storm (a
 * region's link coming back, a cloudcore restart) arrives as a steady stream
 * the replica can serve, instead of redials piling onto a full queue.
 */
import { CloudcoreError } from '../errors';

export interface HandshakeGateOptions {
  readonly maxConcurrent: number;
  /** Most handshakes waiting at once, whatever their expected wait. */
  readonly queueSize: number;
  /** Longest expected wait in the queue; a handshake expected to wait longer is told to come back. Default 5,000 ms. */
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
}

/** Completions counted over this window give the gate's rate. */
const RATE_WINDOW_MS = 5_000;
const BUCKET_MS = 100;
const BUCKETS = RATE_WINDOW_MS / BUCKET_MS;

/** Counts events per 100 ms over the last window, in a ring: the same memory however long it runs. */
class RateWindow {
  private readonly counts = new Array<number>(BUCKETS).fill(0);
  private readonly slots = new Array<number>(BUCKETS).fill(-1);

  add(now: number): void {
    const slot = Math.floor(now / BUCKET_MS);
    const i = slot % BUCKETS;
    if (this.slots[i] !== slot) {
      this.slots[i] = slot;
      this.counts[i] = 0;
    }
    this.counts[i]!++;
  }

  /** Events in the window that ends now. */
  count(now: number): number {
    const oldest = Math.floor(now / BUCKET_MS) - BUCKETS;
    let total = 0;
    for (let i = 0; i < BUCKETS; i++) if (this.slots[i]! > oldest) total += this.counts[i]!;
    return total;
  }
}

export class HandshakeGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly completions = new RateWindow();
  /** The next free slot handed to a refused handshake, epoch ms. */
  private nextSlotAt = 0;
  private readonly now: () => number;
  private readonly maxQueueWaitMs: number;

  constructor(private readonly options: HandshakeGateOptions) {
    this.now = options.now ?? Date.now;
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? 5_000;
  }

  /** Resolves with a release function once a slot is free; rejects HandshakeBusyError when full or on abort. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (this.running < this.options.maxConcurrent) return Promise.resolve(this.take());
    const perSecond = this.ratePerSecond();
    const queueWaitMs = ((this.waiting.length + 1) / perSecond) * 1000;
    if (this.waiting.length >= this.options.queueSize || queueWaitMs > this.maxQueueWaitMs) {
      const retryAfterMs = this.reserveSlot(perSecond);
      return Promise.reject(
        new HandshakeBusyError(
          `${this.running} handshakes running and ${this.waiting.length} waiting at ${Math.round(perSecond)}/s; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
          retryAfterMs,
        ),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        this.report();
        reject(new HandshakeBusyError('connection closed while waiting for a handshake slot', 0));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.report();
    });
  }

  /**
   * Handshakes completed per second over the last window, and never less
   * than one per slot per second: a count taken while the slots waited on
   * something else (a replica still starting, a slow API) would spread the
   * nodes told to come back over many minutes.
   */
  ratePerSecond(): number {
    return Math.max((this.completions.count(this.now()) * 1000) / RATE_WINDOW_MS, this.options.maxConcurrent);
  }

  /** After the queue has drained, the next slot nobody was promised yet. */
  private reserveSlot(perSecond: number): number {
    const now = this.now();
    const drainedAt = now + (this.waiting.length / perSecond) * 1000;
    const at = Math.max(this.nextSlotAt, drainedAt);
    this.nextSlotAt = at + 1000 / perSecond;
    return Math.round(at - now);
  }

  private take(): Release {
    this.running++;
    this.report();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.completions.add(this.now());
      const next = this.waiting.shift();
      if (next) return next.grant(this.take());
      this.report();
    };
  }

  private report(): void {
    this.options.onChange?.(this.running, this.waiting.length);
  }
}
