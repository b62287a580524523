import { withDefaults as withFrameLimits, type FrameLimits } from '@kedge/protocol';
import { silentLogger, type Logger } from '../config';
import { CloudUnreachableError } from '../errors';
import type { Metastore } from '../metastore';
import { Backoff } from './backoff';
import { WS_CLOSE, type Connection, type Dialer } from './connection';
import { Delivery } from './delivery';
import type { HandlerRegistry } from './handlers/registry';
import { closeReason, runSession, type SessionResult } from './session';
import { newHubStats, type HubStats } from './stats';

/** Version edgecore announces in hello. */
export const EDGECORE_VERSION = '0.1.0';

export interface HubClientOptions {
  nodeName: string;
  /** Opens a connection to the cloud (webSocketDialer in production, a memory pair in tests). */
  dial: Dialer;
  store: Metastore;
  handlers: HandlerRegistry;
  log?: Logger;
  /** Frame limits this edge enforces on what it receives. Default DEFAULT_FRAME_LIMITS. */
  limits?: Partial<FrameLimits>;
  /** Default EDGECORE_VERSION. */
  agentVersion?: string;
  /** First reconnect window. Default 1,000 ms. */
  backoffBaseMs?: number;
  /** Widest reconnect window after the cloud answered and refused (HTTP 503 busy, a close frame). Default 60,000 ms. */
  backoffCapMs?: number;
  /**
   * Widest reconnect window while the cloud does not answer at all (refused
   * or timed-out TCP, TLS failure) and after a session lost without a refusal
   * (link gone, cloudcore killed or shutting down): short, so a node is back
   * within seconds of a cloudcore restart or a link coming back, while the
   * cloud's handshake gate answers 503 to the excess of a storm, which then
   * backs off up to backoffCapMs. Default 5,000 ms.
   */
  unreachableBackoffCapMs?: number;
  /** A welcomed connection that lived this long resets the backoff. Default 30,000 ms. */
  stableAfterMs?: number;
  /** Most status keys in flight. Default 64. */
  outboxWindow?: number;
  /** Pause the outbox while the socket buffers more than this. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** A status unacked this long no longer holds a window slot (resent on reconnect). Default 30,000 ms. */
  ackTimeoutMs?: number;
  /** Ping when the cloud was quiet this long. Default 30,000 ms. */
  pingIntervalMs?: number;
  /** Close when the cloud was silent this long (2 missed cloud pings). Default 75,000 ms. */
  deadPeerTimeoutMs?: number;
  /** While statuses wait for acks, ping a cloud quiet this long. Default 10,000 ms. */
  ackProbeAfterMs?: number;
  /**
   * Close when the edge's own ping to a quiet cloud got no answer this long (and
   * nothing is left to write). Default 30,000 ms: a cloud busy with a burst for
   * 10,000 nodes can take 20 s to answer, and dropping it only adds redials.
   */
  pongTimeoutMs?: number;
  /** Close when no welcome came this long after connecting. Default 30,000 ms. */
  welcomeTimeoutMs?: number;
  /** Uniform in [0, 1); injectable for tests. Default Math.random. */
  random?: () => number;
}

export type ResolvedHubClientOptions = Required<Omit<HubClientOptions, 'limits'>> & { limits: FrameLimits };

export function withDefaults(options: HubClientOptions): ResolvedHubClientOptions {
  return {
    log: silentLogger,
    agentVersion: EDGECORE_VERSION,
    backoffBaseMs: 1_000,
    backoffCapMs: 60_000,
    unreachableBackoffCapMs: 5_000,
    stableAfterMs: 30_000,
    outboxWindow: 64,
    maxBufferedBytes: 1024 * 1024,
    ackTimeoutMs: 30_000,
    pingIntervalMs: 30_000,
    deadPeerTimeoutMs: 75_000,
    ackProbeAfterMs: 10_000,
    pongTimeoutMs: 30_000,
    welcomeTimeoutMs: 30_000,
    random: Math.random,
    ...stripUndefined(options),
    limits: withFrameLimits(options.limits ?? {}),
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export type HubState = 'offline' | 'connecting' | 'connected' | 'synced';

/**
 * Keeps this node connected to the cloud: dial, run a session, and after it
 * ends wait a backoff window and dial again, until the signal aborts. The
 * pods keep running through all of it; only the channel comes and goes.
 */
export class HubClient {
  readonly stats: HubStats = newHubStats();
  private readonly options: ResolvedHubClientOptions;
  private readonly backoff: Backoff;
  private readonly delivery: Delivery;
  private current: Connection | undefined;
  private redialNow = false;
  private wakeSleep: (() => void) | undefined;
  private currentState: HubState = 'offline';
  private readonly connectedListeners = new Set<() => void>();
  private readonly syncedListeners = new Set<() => void>();

  constructor(options: HubClientOptions) {
    this.options = withDefaults(options);
    this.backoff = new Backoff({
      baseMs: this.options.backoffBaseMs,
      capMs: this.options.backoffCapMs,
      random: this.options.random,
    });
    this.delivery = new Delivery(this.options.handlers, this.options.log, this.stats);
  }

  get state(): HubState {
    return this.currentState;
  }

  /** Called on every welcome (each (re)connect). Returns the unsubscribe function. */
  onConnected(listener: () => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  /** Called when the cloud finished sending the difference to the manifest. */
  onSynced(listener: () => void): () => void {
    this.syncedListeners.add(listener);
    return () => this.syncedListeners.delete(listener);
  }

  /** Drops the connection and dials again at once (e.g. with a renewed certificate). */
  reconnect(reason: string): void {
    this.redialNow = true;
    this.wakeSleep?.();
    this.current?.close(WS_CLOSE.reconnect, closeReason(reason));
  }

  /** Resolves once every object received so far reached its handler. */
  idle(): Promise<void> {
    return this.delivery.idle();
  }

  /** Runs until `signal` aborts; resolves then. */
  async run(signal: AbortSignal): Promise<void> {
    const { log } = this.options;
    while (!signal.aborted) {
      this.currentState = 'connecting';
      this.redialNow = false;
      let conn: Connection;
      const dialedAt = Date.now();
      try {
        conn = await this.options.dial(signal);
      } catch (error) {
        this.currentState = 'offline';
        if (signal.aborted) break;
        const answer = error instanceof CloudUnreachableError ? error.context : {};
        const delayMs =
          typeof answer.retryAfterMs === 'number'
            ? this.toldToWait(answer.retryAfterMs)
            : this.backoffAfterFailedDial(answer.httpStatus !== undefined, dialedAt);
        log.warn('cannot reach cloud; retrying', { error, retryInMs: delayMs, attempt: this.backoff.attempts });
        await this.sleep(delayMs, signal);
        continue;
      }
      const ended = await this.runConnection(conn, signal);
      if (signal.aborted) break;
      if (this.redialNow) continue;
      await this.sleep(
        this.backoff.next(lostWithoutRefusal(ended) ? this.options.unreachableBackoffCapMs : undefined),
        signal,
      );
    }
    this.currentState = 'offline';
    await this.delivery.idle();
  }

  /**
   * A busy cloud said when to come back (its handshake gate hands out slots
   * at the rate it serves): come back then, a little spread, with no
   * exponential growth on top. A silly value cannot park the node for long.
   */
  private toldToWait(retryAfterMs: number): number {
    const spreadMs = this.options.random() * Math.min(1_000, retryAfterMs / 10);
    return Math.min(retryAfterMs, MAX_TOLD_WAIT_MS) + spreadMs;
  }

  private backoffAfterFailedDial(answered: boolean, dialedAt: number): number {
    const windowMs = this.backoff.next(answered ? undefined : this.options.unreachableBackoffCapMs);
    // The window runs from the start of the failed attempt: an attempt that waited out a
    // connect timeout has already spent that much of it, so a returning link is found sooner.
    return answered ? windowMs : Math.max(0, windowMs - (Date.now() - dialedAt));
  }

  private async runConnection(conn: Connection, signal: AbortSignal): Promise<SessionResult> {
    const { log } = this.options;
    this.current = conn;
    this.stats.connects++;
    const startedAt = Date.now();
    const stop = () => conn.close(WS_CLOSE.goingAway, 'edgecore stopping');
    signal.addEventListener('abort', stop, { once: true });
    const result = await runSession(this.options, {
      conn,
      store: this.options.store,
      delivery: this.delivery,
      log,
      stats: this.stats,
      onWelcome: () => {
        this.currentState = 'connected';
        for (const listener of this.connectedListeners) listener();
      },
      onSynced: () => {
        this.currentState = 'synced';
        for (const listener of this.syncedListeners) listener();
      },
    });
    signal.removeEventListener('abort', stop);
    this.current = undefined;
    this.currentState = 'offline';
    this.stats.disconnects++;
    const livedMs = Date.now() - startedAt;
    if (result.welcomed && livedMs >= this.options.stableAfterMs) this.backoff.reset();
    if (!signal.aborted) {
      log.warn('disconnected from cloud', {
        code: result.close.code,
        reason: result.close.reason,
        cloud: result.cloudClose,
        livedMs,
      });
    }
    return result;
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wakeSleep = done;
    });
  }
}

/** Longest wait a cloud's Retry-After can impose. */
const MAX_TOLD_WAIT_MS = 10 * 60_000;

/**
 * The session ended because the link or the cloud process went away (no
 * close frame, a dead peer, or the cloud shutting down), not because the cloud
 * refused this node: a restarted cloudcore or a returning link is then found
 * within the short window, while a cloud that closes on the node backs off fully.
 */
function lostWithoutRefusal(ended: SessionResult): boolean {
  if (ended.cloudClose) return ended.cloudClose.code === 'GOING_AWAY';
  return LOST_LINK_CODES.has(ended.close.code);
}

/** WebSocket close codes of a vanished peer: abnormal closure (no close frame), going away, dead peer. */
const LOST_LINK_CODES: ReadonlySet<number> = new Set([1006, WS_CLOSE.goingAway, WS_CLOSE.deadPeer]);
