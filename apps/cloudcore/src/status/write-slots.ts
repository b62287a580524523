/**
 * A bound on API calls in flight, handed out in arrival order. The status
 * module holds one for the replica's status writes: each node's pipeline may
 * have a few writes going, but 10,000 nodes reporting at once would otherwise
 * put 80,000 requests in the HTTP pool's queue, each holding its body and
 * socket bookkeeping; waiting here costs a callback, and the statuses stay
 * coalesced in their pipelines meanwhile. Node Lease renewals and Ready
 * checks (keepalive.ts) take ones of their own.
 */
import { FifoSlots } from '../fifo-slots';

export class WriteSlots {
  readonly #slots: FifoSlots;

  constructor(readonly limit: number) {
    this.#slots = new FifoSlots(limit, 'write slots');
  }

  /** Resolves with the release function once a slot is free. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => this.#slots.whenFree(resolve));
  }

  /** Writes waiting for a slot. */
  get waiting(): number {
    return this.#slots.waiting;
  }
}
