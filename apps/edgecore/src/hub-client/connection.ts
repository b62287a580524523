/**
 * What the hub client needs from a transport. The real one is a TLS
 * WebSocket (ws-dialer.ts); tests use memoryConnectionPair().
 */
export interface CloseInfo {
  /** WebSocket close code (1000 normal, 1006 abnormal, 4xxx Kedge). */
  code: number;
  reason: string;
}

export interface Connection {
  /** Sends one binary message (one encoded frame). Ignored after close. */
  send(data: Uint8Array): void;
  /** One call per binary message received. */
  onMessage(listener: (data: Uint8Array) => void): void;
  /** Called once, when the connection is gone for whatever reason. */
  onClose(listener: (info: CloseInfo) => void): void;
  /** Called on any sign of life below the frame level: bytes arriving (before they are decoded), ping, pong. */
  onAlive(listener: () => void): void;
  /** Asks the peer for a sign of life; the answer arrives through onAlive. */
  ping(): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
}

/** Opens one connection to the cloud; rejects when it cannot. */
export type Dialer = (signal: AbortSignal) => Promise<Connection>;

/** Kedge close codes in the WebSocket private range. */
export const WS_CLOSE = Object.freeze({
  normal: 1000,
  goingAway: 1001,
  protocolError: 4000,
  deadPeer: 4001,
  reconnect: 4002,
});

class MemoryEnd implements Connection {
  peer!: MemoryEnd;
  private closed = false;
  private readonly messageListeners: ((data: Uint8Array) => void)[] = [];
  private readonly closeListeners: ((info: CloseInfo) => void)[] = [];
  private readonly aliveListeners: (() => void)[] = [];
  /** When false the end stops answering pings, like a peer that hangs. */
  answersPings = true;
  readonly bufferedAmount = 0;

  send(data: Uint8Array): void {
    if (this.closed) return;
    const copy = new Uint8Array(data);
    // Deliver asynchronously, in order, like a socket.
    setImmediate(() => {
      if (!this.peer.closed) for (const l of this.peer.messageListeners) l(copy);
    });
  }
  onMessage(listener: (data: Uint8Array) => void): void {
    this.messageListeners.push(listener);
  }
  onClose(listener: (info: CloseInfo) => void): void {
    this.closeListeners.push(listener);
  }
  onAlive(listener: () => void): void {
    this.aliveListeners.push(listener);
  }
  ping(): void {
    if (this.closed || !this.peer.answersPings) return;
    setImmediate(() => {
      if (!this.closed) for (const l of this.aliveListeners) l();
    });
  }
  close(code: number = WS_CLOSE.normal, reason = ''): void {
    if (this.closed) return;
    this.finish({ code, reason });
    // Like a socket: what was sent before close still arrives, then the close.
    setImmediate(() => this.peer.finish({ code, reason }));
  }
  private finish(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => {
      for (const l of this.closeListeners) l(info);
    });
  }
  get isClosed(): boolean {
    return this.closed;
  }
}

export type MemoryConnection = Connection & { answersPings: boolean; readonly isClosed: boolean };

/** Two connected in-memory ends: what one sends, the other receives. */
export function memoryConnectionPair(): [MemoryConnection, MemoryConnection] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
