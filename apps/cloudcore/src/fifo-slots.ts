/**
 * A fixed number of slots handed out in arrival order, synchronously: the
 * replica's bound on object frames being written (hub/send-queue.ts) and,
 * through WriteSlots, on API calls in flight. Taking and handing out a slot
 * are O(1) however many wait: after a cloudcore restart thousands of nodes
 * queue at once.
 */
export class FifoSlots {
  #free: number;
  #handing = false;
  /** Waiters from #head on; the array is compacted as it drains, so taking one is O(1). */
  #waiting: Array<(release: () => void) => void> = [];
  #head = 0;

  /** `what` names the slots in the error for a bad limit. */
  constructor(
    readonly limit: number,
    what = 'slots',
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${what} must be a positive integer, got ${limit}`);
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

  /** Takers waiting for a slot. */
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
   * between. A loop, not recursion: a waiter that releases at once (a node
   * with nothing to send) must not deepen the stack, and thousands may wait.
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
