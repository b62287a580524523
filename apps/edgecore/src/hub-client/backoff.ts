/** Reconnect delays. Defaults: base 1 s, cap 60 s. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Uniform in [0, 1); injectable for tests. */
  random: () => number;
}

/**
 * Exponential backoff with full jitter: the n-th delay is uniform in
 * [0, min(cap, base * 2^n)). Full jitter spreads 10,000 nodes that lost the
 * cloud at the same moment over the whole window instead of in waves.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt; each call widens the window up to the cap (or `capMs`, when lower). */
  next(capMs = this.options.capMs): number {
    const cap = Math.min(capMs, this.options.capMs);
    const ceiling = Math.min(cap, this.options.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.floor(this.options.random() * ceiling);
  }

  /** After a stable connection: start again from the base window. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
