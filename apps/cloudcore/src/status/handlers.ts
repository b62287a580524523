/**
 * Status kinds and their API writers. status/ registers pod status and pod
 * deletion, nodes/ registers node status; a kind without a writer is refused.
 */
import type { StatusFrame, StatusKind } from '@kedge/protocol';
import type { EdgeSession } from '../hub/registry';

/**
 * 'written': the API write succeeded; 'unchanged': the object already
 * shows this status, nothing was written; 'stale': the object is gone or is
 * another incarnation, so the status is dropped (and acked, or the edge would
 * resend it forever). Throwing FrameRejectedError closes the session (e.g. a
 * status for another node's object); any other error is retried with backoff.
 */
export type StatusOutcome = 'written' | 'unchanged' | 'stale';
export type StatusWriter = (session: EdgeSession, frame: StatusFrame) => Promise<StatusOutcome>;

export class StatusHandlers {
  private readonly writers = new Map<StatusKind, StatusWriter>();
  register(kind: StatusKind, writer: StatusWriter): void {
    this.writers.set(kind, writer);
  }
  get(kind: StatusKind): StatusWriter | undefined {
    return this.writers.get(kind);
  }
}
