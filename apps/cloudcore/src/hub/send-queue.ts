/**
 * Per-node object sender. Keys wait in an insertion-ordered set (marking a
 * key twice keeps one entry), frames are produced only when sent (so a key
 * changed ten times while queued goes out once, as its latest state), at most
 * `maxInFlight` frames wait for acks, and nothing is written while the
 * socket holds more than `highWaterBytes`. A slow node thus stalls only
 * itself, and its memory is bounded by the objects bound to it.
 */
import type { FramePayload } from '@kedge/protocol';
import type { ObjectSource } from './registry';

export interface SendQueueOptions {
  /** Frames awaiting an ack, at most. */
  readonly maxInFlight: number;
  /** Bytes buffered on the socket above which writing pauses. */
  readonly highWaterBytes: number;
  readonly bufferedAmount: () => number;
  /** Writes one frame, returns its id, calls `onWritten` once the bytes left for the socket. */
  readonly write: (payload: FramePayload, onWritten: () => void) => number;
}

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
  private readonly onWritten = () => this.pump();

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
  }

  private pump(): void {
    if (this.pumping || this.closed || !this.source) return;
    this.pumping = true;
    try {
      const { maxInFlight, highWaterBytes, bufferedAmount, write } = this.options;
      while (
        this.dirty.size > 0 &&
        this.inFlight.size < maxInFlight &&
        bufferedAmount() < highWaterBytes &&
        !this.closed
      ) {
        const key = this.dirty.values().next().value as string;
        this.dirty.delete(key);
        const produced = this.source.produce(key);
        if (!produced) continue;
        const id = write(produced.payload, this.onWritten);
        if (produced.needsAck) this.inFlight.set(id, { key, payload: produced.payload });
      }
    } finally {
      this.pumping = false;
    }
  }
}
