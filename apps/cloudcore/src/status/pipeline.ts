/**
 * One session's incoming statuses: coalesced per object key (the highest
 * sequence wins), written to the API a few keys at a time but never two
 * writes of one key at once (so each object's writes stay in order), acked
 * only after the write succeeded. A failed write is retried with exponential
 * backoff while other keys proceed; nothing failed is ever acked.
 */
import { formatObjectKey, type StatusFrame } from '@kedge/protocol';
import { FrameRejectedError, errorMessage } from '../errors';
import type { EdgeSession } from '../hub/registry';
import { apiErrorMessage } from '../kube';
import type { Logger } from '../log';
import type { CloudMetrics } from '../metrics/registry';
import type { StatusHandlers } from './handlers';
import type { WriteSlots } from './write-slots';

const FIRST_RETRY_MS = 200;
/**
 * Writes in flight per node. One at a time, a node that comes back with 500
 * pod statuses waited on 500 API round trips in a row; a few at once keep
 * the API server's load per node bounded.
 */
const MAX_WRITES_IN_FLIGHT = 8;

interface Retry {
  readonly at: number;
  readonly delayMs: number;
}

export class StatusPipeline {
  private readonly pending = new Map<string, StatusFrame>();
  private readonly retries = new Map<string, Retry>();
  /** Keys with a write in flight. */
  private readonly writing = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly session: EdgeSession,
    private readonly handlers: StatusHandlers,
    private readonly metrics: CloudMetrics,
    private readonly log: Logger,
    private readonly retryMaxMs: number,
    /** Shared by every pipeline of the replica. */
    private readonly slots: WriteSlots,
  ) {
    session.signal.addEventListener('abort', () => clearTimeout(this.retryTimer), { once: true });
  }

  /** Queues a status; an older sequence of a queued key is dropped. */
  submit(frame: StatusFrame): void {
    if (!this.handlers.get(frame.statusKind)) {
      // Kept in the edge's outbox (never acked) until a cloudcore that writes this kind takes it.
      this.metrics.rejectedFrames.inc({ reason: 'unsupported_status_kind' });
      this.log.debug('no writer for status kind; leaving it unacked', {
        node: this.session.nodeName,
        kind: frame.statusKind,
      });
      return;
    }
    const key = formatObjectKey(frame.key);
    const queued = this.pending.get(key);
    if (queued && queued.sequence > frame.sequence) return;
    this.pending.set(key, frame);
    this.retries.delete(key);
    this.pump();
  }

  get size(): number {
    return this.pending.size;
  }

  /** Starts writes for queued keys that are not in flight or waiting to retry, up to the limit. */
  private pump(): void {
    if (this.session.signal.aborted) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const now = Date.now();
    let retryInMs = Number.POSITIVE_INFINITY;
    for (const [key, frame] of this.pending) {
      if (this.writing.size >= MAX_WRITES_IN_FLIGHT) return;
      if (this.writing.has(key)) continue;
      const retry = this.retries.get(key);
      if (retry && retry.at > now) {
        retryInMs = Math.min(retryInMs, retry.at - now);
        continue;
      }
      this.writing.add(key);
      void this.write(key, frame).finally(() => {
        this.writing.delete(key);
        this.pump();
      });
    }
    if (retryInMs !== Number.POSITIVE_INFINITY) this.retryTimer = setTimeout(() => this.pump(), retryInMs);
  }

  private async write(key: string, frame: StatusFrame): Promise<void> {
    const writer = this.handlers.get(frame.statusKind);
    if (!writer) return;
    const release = await this.slots.acquire();
    // A node gone while its write waited keeps the status in its outbox and sends it again.
    if (this.session.signal.aborted) return release();
    try {
      const outcome = await writer(this.session, frame);
      this.metrics.statusWrites.inc({ kind: frame.statusKind, result: outcome });
      if (this.pending.get(key) === frame) this.pending.delete(key);
      this.retries.delete(key);
      if (outcome === 'stale')
        this.log.info('dropping status of an object that is gone', { node: this.session.nodeName, key });
      if (!this.session.signal.aborted)
        this.session.send({ type: 'statusAck', entries: [{ key: frame.key, sequence: frame.sequence }] });
    } catch (err) {
      if (err instanceof FrameRejectedError) {
        this.metrics.rejectedFrames.inc({ reason: err.reason });
        this.pending.clear();
        this.session.close(err.closeCode, err.message);
        return;
      }
      this.metrics.statusWrites.inc({ kind: frame.statusKind, result: 'error' });
      const delayMs = Math.min((this.retries.get(key)?.delayMs ?? FIRST_RETRY_MS / 2) * 2, this.retryMaxMs);
      this.retries.set(key, { at: Date.now() + delayMs, delayMs });
      this.log.warn('status write failed; will retry', {
        node: this.session.nodeName,
        key,
        retryInMs: delayMs,
        error: apiErrorMessage(err) || errorMessage(err),
      });
    } finally {
      release();
    }
  }
}
