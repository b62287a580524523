/**
 * One edge node's WebSocket: frame codec, ordered dispatch to handlers,
 * object queue, ping liveness, byte accounting. Everything that goes wrong
 * here closes this connection only.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  decodeFrame,
  encodeFrame,
  type CloseCode,
  type Frame,
  type FrameLimits,
  type FramePayload,
  type HelloFrame,
} from '@kedge/protocol';
import type { CloudcoreConfig } from '../config';
import { FrameRejectedError, errorMessage } from '../errors';
import type { Logger } from '../log';
import type { CloudMetrics } from '../metrics/registry';
import { WS_CLOSE_CODES, closeReason } from './close-codes';
import { releaseIdleCompression } from './idle-compression';
import type { EdgeSession, ObjectSource, SessionRegistry } from './registry';
import type { FifoSlots } from '../fifo-slots';
import { KeyedSendQueue } from './send-queue';

/**
 * Incoming frames waiting for their handler: above PAUSE_AT the socket stops
 * being read (TCP pushes back on the edge), below RESUME_AT reading resumes;
 * MAX_PENDING_INCOMING is never reached by an edge that respects TCP flow
 * control, and one that gets there is closed RATE_LIMITED.
 */
const PAUSE_AT = 256;
const RESUME_AT = 64;
const MAX_PENDING_INCOMING = 1024;
/** Time given to the close handshake before the socket is destroyed. */
const CLOSE_GRACE_MS = 5000;

export interface SessionDeps {
  readonly config: CloudcoreConfig;
  readonly limits: FrameLimits;
  readonly registry: SessionRegistry;
  readonly metrics: CloudMetrics;
  readonly log: Logger;
  /** The replica's bound on object frames being written; none in tests that do not need one. */
  readonly frameSlots?: FifoSlots;
}

export class NodeSession implements EdgeSession {
  readonly sessionId = randomUUID();
  readonly signal: AbortSignal;
  private readonly abort = new AbortController();
  private readonly queue: KeyedSendQueue;
  private nextId = 1;
  private closing = false;
  private wireRead = 0;
  private wireWritten = 0;
  private digestResume: (() => void) | undefined;
  /** TCP bytes read and sends made at the last idle check. */
  private idleMark = { read: -1, sends: -1 };
  private sendsMade = 0;

  constructor(
    readonly nodeName: string,
    readonly hello: HelloFrame,
    private readonly ws: WebSocket,
    /** The TCP socket under TLS: its counts include TLS records and handshakes. */
    private readonly tcp: Socket,
    private readonly deps: SessionDeps,
  ) {
    this.signal = this.abort.signal;
    this.queue = new KeyedSendQueue({
      maxInFlight: deps.config.maxInflightObjects,
      highWaterBytes: deps.config.sendHighWaterBytes,
      bufferedAmount: () => ws.bufferedAmount,
      write: (payload, onWritten) => this.write(payload, onWritten),
      slots: deps.frameSlots,
    });
  }

  send(payload: FramePayload): number {
    return this.write(payload, () => undefined);
  }

  close(code: CloseCode, message: string): void {
    if (this.closing) return;
    this.closing = true;
    this.deps.log.info('closing edge session', { node: this.nodeName, code, reason: message });
    if (this.ws.readyState === this.ws.OPEN) {
      try {
        this.write({ type: 'close', code, message: message.slice(0, 1000) }, () => undefined);
      } catch {
        // the close frame is a courtesy; the WebSocket close below carries the reason too
      }
      this.ws.close(WS_CLOSE_CODES[code], closeReason(message));
    }
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  setObjectSource(source: ObjectSource): void {
    this.queue.setSource(source);
  }
  markDirty(key: string): void {
    this.queue.mark(key);
  }
  ackObjects(ids: readonly number[]): void {
    this.queue.ack(ids);
  }
  queueStats(): { queued: number; inFlight: number } {
    return this.queue.stats();
  }
  get isClosing(): boolean {
    return this.closing;
  }

  resumeByDigest(start: () => void): void {
    this.digestResume = start;
  }
  get manifestDigestMatched(): boolean {
    return this.digestResume !== undefined;
  }
  /** Called by the hub once welcome is on its way. */
  welcomed(): void {
    const start = this.digestResume;
    this.digestResume = undefined;
    start?.();
  }

  /**
   * Closes the zlib contexts of a connection that neither sent nor received
   * anything since the previous call (see idle-compression.ts). Returns the
   * number of contexts closed.
   */
  releaseIfIdle(): number {
    const mark = { read: this.tcp.bytesRead, sends: this.sendsMade };
    const quiet = mark.read === this.idleMark.read && mark.sends === this.idleMark.sends;
    this.idleMark = mark;
    // A compression still under way keeps its context: releaseIdleCompression checks that.
    if (!quiet || this.closing) return 0;
    return releaseIdleCompression(this.ws);
  }

  /** Adds the TCP socket's byte counts since the last sample to the node's wire counters. */
  sampleWireBytes(): void {
    const read = this.tcp.bytesRead;
    const written = this.tcp.bytesWritten;
    this.deps.metrics.wireBytes.inc({ node: this.nodeName, direction: 'in' }, Math.max(0, read - this.wireRead));
    this.deps.metrics.wireBytes.inc({ node: this.nodeName, direction: 'out' }, Math.max(0, written - this.wireWritten));
    this.wireRead = read;
    this.wireWritten = written;
  }

  /** Called by the hub when the WebSocket closed. */
  ended(): void {
    this.closing = true;
    this.queue.close();
    this.abort.abort();
  }

  private write(payload: FramePayload, onWritten: () => void): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const bytes = encodeFrame({ id, ...payload } as Frame);
    this.deps.metrics.payloadBytes.inc({ node: this.nodeName, direction: 'out' }, bytes.length);
    this.deps.metrics.frames.inc({ type: payload.type, direction: 'out' });
    this.sendsMade++;
    this.ws.send(bytes, { binary: true }, onWritten);
    return id;
  }
}

/**
 * Decodes incoming messages and runs them through `handle` one at a time,
 * in order. Bad frames and handler failures close the connection with a
 * reason and are counted.
 */
export function frameLoop(
  ws: WebSocket,
  node: string,
  deps: SessionDeps,
  handle: (frame: Frame) => Promise<void>,
  reject: (code: CloseCode, reason: string, message: string) => void,
): void {
  let pending = 0;
  let chain = Promise.resolve();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary)
      return reject(
        'PROTOCOL_ERROR',
        'text_message',
        'text WebSocket messages are not frames; send binary protobuf frames',
      );
    deps.metrics.payloadBytes.inc({ node, direction: 'in' }, data.length);
    const decoded = decodeFrame(data, deps.limits);
    if (!decoded.ok) {
      const code: CloseCode = decoded.error.code === 'FRAME_TOO_LARGE' ? 'FRAME_TOO_LARGE' : 'PROTOCOL_ERROR';
      return reject(code, decoded.error.code.toLowerCase(), `bad frame: ${decoded.error.message}`);
    }
    deps.metrics.frames.inc({ type: decoded.frame.type, direction: 'in' });
    if (++pending === PAUSE_AT) ws.pause();
    if (pending > MAX_PENDING_INCOMING) {
      return reject(
        'RATE_LIMITED',
        'incoming_backlog',
        `more than ${MAX_PENDING_INCOMING} frames waiting to be handled; slow down`,
      );
    }
    chain = chain.then(async () => {
      try {
        await handle(decoded.frame);
      } catch (err) {
        if (err instanceof FrameRejectedError) reject(err.closeCode, err.reason, err.message);
        else {
          deps.log.error('frame handler failed', { node, frame: decoded.frame.type, error: errorMessage(err) });
          reject('INTERNAL_ERROR', 'handler_error', `cloud failed to handle a ${decoded.frame.type} frame`);
        }
      } finally {
        if (--pending === RESUME_AT && ws.isPaused) ws.resume();
      }
    });
  });
}
