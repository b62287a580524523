/**
 * One session's incoming statuses: coalesced per object key (the highest
 * sequence wins), written to the API one at a time, acked only after the
 * write succeeded. A failed write is retried with exponential backoff while
 * other keys proceed; nothing failed is ever acked.
 */
import { formatObjectKey, type StatusFrame } from '@kedge/protocol';
import { FrameRejectedError, errorMessage } from '../errors';
import type { EdgeSession } from '../hub/registry';
import { apiErrorMessage } from '../kube';
import type { Logger } from '../log';
import type { CloudMetrics } from '../metrics/registry';
import type { StatusHandlers } from './handlers';

const FIRST_RETRY_MS = 200;

interface Retry {
  readonly at: number;
  readonly delayMs: number;
}

export class StatusPipeline {
  private readonly pending = new Map<string, StatusFrame>();
  private readonly retries = new Map<string, Retry>();
  private running = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly session: EdgeSession,
    private readonly handlers: StatusHandlers,
    private readonly metrics: CloudMetrics,
    private readonly log: Logger,
    private readonly retryMaxMs: number,
  ) {
    session.signal.addEventListener('abort', () => this.wake?.(), { once: true });
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
    this.wake?.();
    if (!this.running) void this.run();
  }

  get size(): number {
    return this.pending.size;
  }

  private nextReady(): { key: string; frame: StatusFrame } | { waitMs: number } | undefined {
    let waitMs = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (const [key, frame] of this.pending) {
      const retry = this.retries.get(key);
      if (!retry || retry.at <= now) return { key, frame };
      waitMs = Math.min(waitMs, retry.at - now);
    }
    return this.pending.size === 0 ? undefined : { waitMs };
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.session.signal.aborted) {
        const next = this.nextReady();
        if (!next) break;
        if ('waitMs' in next) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, next.waitMs);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = undefined;
          continue;
        }
        await this.write(next.key, next.frame);
      }
    } finally {
      this.running = false;
    }
  }

  private async write(key: string, frame: StatusFrame): Promise<void> {
    const writer = this.handlers.get(frame.statusKind);
    if (!writer) return;
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
    }
  }
}
