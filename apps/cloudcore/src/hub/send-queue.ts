/**
 * Per-node object sender. Keys wait in an insertion-ordered set (marking a
 * key twice keeps one entry), frames are produced only when sent (so a key
 * changed ten times while queued goes out once, as its latest state), at most
 * `maxInFlight` frames wait for acks, and nothing is written while the
 * socket holds more than `highWaterBytes`. A slow node thus stalls only
 * itself, and its memory is bounded by the objects bound to it. With `slots`,
 * each frame also holds one of the replica's frame slots until it is written.
 */
import type { FramePayload } from '@kedge/protocol';
import type { FifoSlots } from '../fifo-slots';
import type { ObjectSource } from './registry';

export interface SendQueueOptions {
  /** Frames awaiting an ack, at most. */
  readonly maxInFlight: number;
  /** Bytes buffered on the socket above which writing pauses. */
  readonly highWaterBytes: number;
  readonly bufferedAmount: () => number;
  /** Writes one frame, returns its id, calls `onWritten` once the bytes left for the socket. */
  readonly write: (payload: FramePayload, onWritten: () => void) => number;
  /** The replica's bound on frames being written (../fifo-slots.ts); none when absent. */
  readonly slots?: FifoSlots;
}

/**
 * Frame slots one node may hold: enough to keep its link busy, few enough
 * that nodes whose sockets stall (a slow link, a dead peer not yet noticed)
 * cannot hold the replica's slots between them.
 */
const SLOTS_PER_NODE = 4;

interface InFlight {
  readonly key: string;
  readonly payload: FramePayload;
}

export class KeyedSendQueue {
  private readonly dirty = new Set<string>();
  private readonly inFlight = new Map<number, InFlight>();
  private source: ObjectSource | undefined;
  private pumping = false;
  private closed = false;
  /** Queued for a frame slot: the grant restarts the pump. */
  private waitingForSlot = false;
  /** Slots of frames not yet written, given back on close in case ws never calls back. */
  private readonly held = new Set<() => void>();
  private readonly onGranted = (release: () => void) => {
    this.waitingForSlot = false;
    this.pump(release);
  };

  constructor(private readonly options: SendQueueOptions) {}

  setSource(source: ObjectSource): void {
    this.source = source;
    this.pump();
  }

  mark(key: string): void {
    if (this.closed) return;
    this.dirty.add(key);
    this.pump();
  }

  /** Releases acked frames from the window; unknown ids (duplicates, control frames) are ignored. */
  ack(ids: readonly number[]): void {
    for (const id of ids) {
      const entry = this.inFlight.get(id);
      if (!entry) continue;
      this.inFlight.delete(id);
      this.source?.acked(entry.key, entry.payload);
    }
    this.pump();
  }

  stats(): { queued: number; inFlight: number } {
    return { queued: this.dirty.size, inFlight: this.inFlight.size };
  }

  close(): void {
    this.closed = true;
    this.dirty.clear();
    this.inFlight.clear();
    for (const release of this.held) release();
    this.held.clear();
  }

  /** `granted`: a frame slot handed over by the replica's slots, used first or given back. */
  private pump(granted?: () => void): void {
    if (this.pumping || this.closed || !this.source || (this.waitingForSlot && !granted)) return granted?.();
    this.pumping = true;
    try {
      const { maxInFlight, highWaterBytes, bufferedAmount, write, slots } = this.options;
      while (
        this.dirty.size > 0 &&
        this.inFlight.size < maxInFlight &&
        bufferedAmount() < highWaterBytes &&
        this.held.size < SLOTS_PER_NODE &&
        !this.closed
      ) {
        // Without replica slots each frame still gets its own release, so the per-node bound holds.
        const release = granted ?? (slots ? slots.tryTake() : () => undefined);
        granted = undefined;
        if (!release) {
          this.waitingForSlot = true;
          slots!.whenFree(this.onGranted);
          return;
        }
        const key = this.dirty.values().next().value as string;
        this.dirty.delete(key);
        const produced = this.source.produce(key);
        if (!produced) {
          release();
          continue;
        }
        this.held.add(release);
        const id = write(produced.payload, () => {
          this.held.delete(release);
          release();
          this.pump();
        });
        if (produced.needsAck) this.inFlight.set(id, { key, payload: produced.payload });
      }
    } finally {
      this.pumping = false;
      granted?.();
    }
  }
}
