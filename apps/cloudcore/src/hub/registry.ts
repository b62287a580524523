/**
 * What other modules see of the hub: open sessions by node, hooks on open and
 * close, and one handler per incoming frame type (handlers live in the module
 * that owns the message: edge-sync for manifest/ack, status for status).
 */
import type { CloseCode, FrameOf, FramePayload, FrameType, HelloFrame } from '@kedge/protocol';

/** Produces object frames at send time, so queued keys coalesce to the latest state. */
export interface ObjectSource {
  /** The frame to send for `key` now, or undefined when nothing needs sending. */
  produce(key: string): { readonly payload: FramePayload; readonly needsAck: boolean } | undefined;
  /** The edge acked the frame produced for `key`. */
  acked(key: string, payload: FramePayload): void;
}

export interface EdgeSession {
  /** The client certificate's CN. */
  readonly nodeName: string;
  /** Unique per connection, for logs and to tell a replaced session from its successor. */
  readonly sessionId: string;
  readonly hello: HelloFrame;
  /** Aborted when the session ends. */
  readonly signal: AbortSignal;
  /** Sends a control frame now (welcome, syncComplete, statusAck); returns its frame id. */
  send(payload: FramePayload): number;
  /** Sends a close frame with the reason, then closes the WebSocket. */
  close(code: CloseCode, message: string): void;
  /** Where queued keys get their frames; set once by edge-sync. */
  setObjectSource(source: ObjectSource): void;
  /** Queues `key` for sending (coalesced: one entry per key however often marked). */
  markDirty(key: string): void;
  /** Keys queued and frames in flight, for tests and metrics. */
  queueStats(): { readonly queued: number; readonly inFlight: number };
  /**
   * From an open hook: hello's manifest digest matched, so welcome tells the
   * edge to send no manifest and `start` runs right after welcome is sent.
   */
  resumeByDigest(start: () => void): void;
}

export type FrameHandler<T extends FrameType> = (session: EdgeSession, frame: FrameOf<T>) => void | Promise<void>;
export type SessionHook = (session: EdgeSession) => void | Promise<void>;

export class SessionRegistry {
  private readonly sessions = new Map<string, EdgeSession>();
  private readonly openHooks: SessionHook[] = [];
  private readonly closeHooks: SessionHook[] = [];
  private readonly handlers = new Map<FrameType, FrameHandler<FrameType>>();

  /** Runs, in registration order, after hello and before welcome; a rejection closes the session. */
  onOpen(hook: SessionHook): void {
    this.openHooks.push(hook);
  }
  onClose(hook: SessionHook): void {
    this.closeHooks.push(hook);
  }
  /** The handler of one incoming frame type; frame types without one close the session. */
  handle<T extends FrameType>(type: T, handler: FrameHandler<T>): void {
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} frames is already registered`);
    this.handlers.set(type, handler as unknown as FrameHandler<FrameType>);
  }
  handlerFor(type: FrameType): FrameHandler<FrameType> | undefined {
    return this.handlers.get(type);
  }

  get(nodeName: string): EdgeSession | undefined {
    return this.sessions.get(nodeName);
  }
  get size(): number {
    return this.sessions.size;
  }
  all(): IterableIterator<EdgeSession> {
    return this.sessions.values();
  }

  /** Called by the hub: registers the session and returns the one it replaces, if any. */
  add(session: EdgeSession): EdgeSession | undefined {
    const previous = this.sessions.get(session.nodeName);
    this.sessions.set(session.nodeName, session);
    return previous;
  }
  /** Stops early when the connection drops meanwhile, so no hook starts work for a session already closed. */
  async runOpenHooks(session: EdgeSession): Promise<void> {
    for (const hook of this.openHooks) {
      if (session.signal.aborted) return;
      await hook(session);
    }
  }
  /** Called by the hub when a session ends; keeps a newer session of the same node. */
  async remove(session: EdgeSession): Promise<void> {
    if (this.sessions.get(session.nodeName) === session) this.sessions.delete(session.nodeName);
    for (const hook of this.closeHooks) await hook(session);
  }
}
