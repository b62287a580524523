// Per-key exponential back-off with kubelet's rules: the first retry is
// immediate, the next waits `baseMs` after the failure, doubling up to
// `maxMs`; an entry idle for twice `maxMs` starts over.

interface Entry {
  delayMs: number;
  lastFailureMs: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Milliseconds still to wait after a failure at failedAtMs; 0 when a retry may start now. */
  remainingMs(key: string, failedAtMs: number, nowMs: number): number {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, failedAtMs)) return 0;
    return Math.max(0, failedAtMs + entry.delayMs - nowMs);
  }

  /** Milliseconds still to wait after the last recorded failure of the key. */
  remainingSinceLastMs(key: string, nowMs: number): number {
    const entry = this.entries.get(key);
    return entry ? Math.max(0, entry.lastFailureMs + entry.delayMs - nowMs) : 0;
  }

  /** Records a retry of the failure at failedAtMs and lengthens the next wait. */
  next(key: string, failedAtMs: number): void {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, failedAtMs))
      this.entries.set(key, { delayMs: this.baseMs, lastFailureMs: failedAtMs });
    else this.entries.set(key, { delayMs: Math.min(entry.delayMs * 2, this.maxMs), lastFailureMs: failedAtMs });
  }

  /** Current wait of the key (for messages), 0 when unknown. */
  delayMs(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every key starting with keyPrefix (all keys of a deleted pod). */
  forget(keyPrefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(keyPrefix)) this.entries.delete(key);
  }

  private expired(entry: Entry, atMs: number): boolean {
    return atMs - entry.lastFailureMs > 2 * this.maxMs;
  }
}
