/**
 * A replica-wide bound on object frames handed to WebSockets and not yet
 * written to their sockets. ws compresses every connection's messages through
 * one small pool of zlib jobs per process, first come first served, and a
 * connection's pings, pongs and acks wait behind its frames being compressed.
 * A rollout that binds pods faster than zlib keeps up would otherwise queue
 * frames there without limit, and the edges' pings go unanswered for longer
 * than they wait. Frames beyond the bound stay in their nodes' send queues,
 * where they coalesce; nodes waiting for a slot are served in turn.
 */
export class FrameSlots {
  #free: number;
  #handing = false;
  /** Waiters from #head on; the array is compacted as it drains, so taking one is O(1). */
  #waiting: Array<(release: () => void) => void> = [];
  #head = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`frame slots must be a positive integer, got ${limit}`);
    this.#free = limit;
  }

  /**
   * A slot now, as its release function, or undefined when none is free or
   * others wait for one (they go first).
   */
  tryTake(): (() => void) | undefined {
    if (this.#free === 0 || this.waiting > 0) return undefined;
    this.#free--;
    return this.#releaser();
  }

  /**
   * Hands the next free slot to `granted`, after those already waiting. It
   * must call the release it gets, at once if it has nothing left to send.
   */
  whenFree(granted: (release: () => void) => void): void {
    if (this.#free > 0 && this.waiting === 0) {
      this.#free--;
      granted(this.#releaser());
    } else this.#waiting.push(granted);
  }

  /** Nodes waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  get inUse(): number {
    return this.limit - this.#free;
  }

  #releaser(): () => void {
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#free++;
      this.#handOut();
    };
  }

  /**
   * Free slots go straight to the longest waiters, so nobody takes them in
   * between. A loop, not recursion: a waiter with nothing to send releases at
   * once, and thousands may wait.
   */
  #handOut(): void {
    if (this.#handing) return;
    this.#handing = true;
    try {
      while (this.#free > 0 && this.waiting > 0) {
        this.#free--;
        this.#next()(this.#releaser());
      }
    } finally {
      this.#handing = false;
    }
  }

  #next(): (release: () => void) => void {
    const granted = this.#waiting[this.#head++]!;
    if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    return granted;
  }
}
