/**
 * A bound on API calls in flight, handed out in arrival order. The status
 * module holds one for the replica's status writes: each node's pipeline may
 * have a few writes going, but 10,000 nodes reporting at once would otherwise
 * put 80,000 requests in the HTTP pool's queue, each holding its body and
 * socket bookkeeping; waiting here costs a callback, and the statuses stay
 * coalesced in their pipelines meanwhile. Node Lease renewals and Ready
 * checks (keepalive.ts) take ones of their own.
 */
export class WriteSlots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`write slots must be a positive integer, got ${limit}`);
    this.#free = limit;
  }

  /** Resolves with the release function once a slot is free. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = (): void => {
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          const next = this.#waiting.shift();
          if (next) next();
          else this.#free++;
        });
      };
      if (this.#free > 0) {
        this.#free--;
        grant();
      } else this.#waiting.push(grant);
    });
  }

  /** Writes waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }
}
