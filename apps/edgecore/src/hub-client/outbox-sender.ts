import { formatObjectKey, parseObjectKey, type Frame, type StatusAckEntry } from '@kedge/protocol';
import type { Logger } from '../config';
import type { Outbox } from '../metastore';
import type { HubStats } from './stats';

export interface OutboxSenderOptions {
  /** Most keys sent and not yet acked. Default 64. */
  window: number;
  /** Stop sending while the socket holds more than this many unsent bytes. Default 1 MiB. */
  maxBufferedBytes: number;
  /**
   * A status unacked this long stops counting against the window (it is
   * resent after a reconnect or when rewritten), so a kind the cloud leaves
   * unacked cannot starve the others. Default 30,000 ms.
   */
  ackTimeoutMs: number;
  /** Largest status body the cloud accepts (limits.maxBodyBytes); larger ones are dropped, never sent. */
  maxBodyBytes: number;
}

/**
 * Sends the outbox over one connection: oldest writes first, at most
 * `window` keys unacked, a key again only once it was written anew. A fresh
 * sender per connection, so everything unacked is resent after a reconnect.
 */
export class OutboxSender {
  private readonly inFlight = new Map<string, { seq: number; sentAt: number }>();
  private scheduled: NodeJS.Immediate | undefined;
  private delayed: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly outbox: Outbox,
    private readonly send: (frame: Frame) => void,
    private readonly bufferedAmount: () => number,
    private readonly options: OutboxSenderOptions,
    private readonly stats: HubStats,
    private readonly log: Logger,
  ) {
    this.unsubscribe = outbox.onEnqueue(() => this.schedule());
  }

  /** Starts sending; call once the cloud welcomed the edge. */
  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.scheduled) clearImmediate(this.scheduled);
    if (this.delayed) clearTimeout(this.delayed);
  }

  /** The cloud stored statuses up to these sequences. */
  acked(entries: readonly StatusAckEntry[]): void {
    for (const entry of entries) {
      const key = formatObjectKey(entry.key);
      this.outbox.ack(key, entry.sequence);
      const sent = this.inFlight.get(key);
      if (sent !== undefined && sent.seq <= entry.sequence) this.inFlight.delete(key);
      this.stats.statusAcked++;
    }
    this.schedule();
  }

  /** Whether statuses sent on this connection still wait for their ack. */
  get awaitingAcks(): boolean {
    return this.inFlight.size > 0;
  }

  /** Keys sent, unacked, and not yet past ackTimeoutMs. */
  private busy(now: number): number {
    let count = 0;
    for (const sent of this.inFlight.values()) if (now - sent.sentAt < this.options.ackTimeoutMs) count++;
    return count;
  }

  /** A pump soon (coalescing many wake-ups into one), or after delayMs when nothing else wakes it. */
  private schedule(delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      this.delayed ??= setTimeout(() => {
        this.delayed = undefined;
        this.pump();
      }, delayMs);
      return;
    }
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    const free = this.options.window - this.busy(now);
    // Full window: look again when the oldest send times out, unless an ack comes first.
    if (free <= 0) return this.schedule(this.options.ackTimeoutMs);
    if (this.bufferedAmount() > this.options.maxBufferedBytes) return this.schedule(50);
    let sent = 0;
    for (const entry of this.outbox.pending(this.inFlight.size + free)) {
      if (sent >= free) break;
      const previous = this.inFlight.get(entry.key)?.seq;
      if (previous !== undefined && previous >= entry.seq) continue;
      const parsed = parseObjectKey(entry.key);
      // Only a bug can queue such an entry; the cloud would refuse it on every reconnect, so drop it.
      const problem = !parsed.ok
        ? parsed.error.message
        : entry.body.byteLength > this.options.maxBodyBytes
          ? `body of ${entry.body.byteLength} bytes exceeds maxBodyBytes`
          : '';
      if (!parsed.ok || problem) {
        this.log.error('dropping outbox entry the cloud cannot take', { key: entry.key, kind: entry.kind, problem });
        this.outbox.ack(entry.key, entry.seq);
        continue;
      }
      this.send({
        id: 0,
        type: 'status',
        statusKind: entry.kind,
        key: parsed.key,
        uid: entry.uid,
        sequence: entry.seq,
        body: entry.body,
      });
      if (previous === undefined) sent++;
      this.inFlight.set(entry.key, { seq: entry.seq, sentAt: now });
      this.stats.statusSent++;
    }
    if (sent >= free) this.schedule(this.options.ackTimeoutMs);
  }
}
