import { readFileSync } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  connect as tlsConnect,
  createSecureContext,
  type ConnectionOptions,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import type { FrameLimits } from '@kedge/protocol';
import type * as Ws from 'ws';
import type { ClientOptions, WebSocket as WsSocket } from 'ws';
import { CloudUnreachableError } from '../errors';
import { WS_CLOSE, type CloseInfo, type Connection, type Dialer } from './connection';
import { proxyFor } from './proxy';

/** WebSocket subprotocol of channel version 1. */
export const SUBPROTOCOL = 'kedge.v1';

export interface WebSocketDialerOptions {
  /** `wss://host:port/v1/connect`. */
  url: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** HTTP CONNECT proxy; '' reads HTTPS_PROXY / NO_PROXY. */
  proxy: string;
  limits: FrameLimits;
  /**
   * TLS and the upgrade may go quiet this long. Default 30,000 ms. A cloud
   * that queues the upgrade in a reconnect storm says so every 10 s (HTTP 102).
   */
  handshakeTimeoutMs?: number;
  /**
   * The cloud's TCP answer (SYN-ACK) must come within this; direct connections
   * only. Default 4,000 ms: three SYNs (at 0, 1 and 3 s).
   */
  connectTimeoutMs?: number;
  /** ws permessage-deflate. Default true. */
  deflate?: boolean;
}

/**
 * What the edge offers in its TLS ClientHello: TLS 1.3 only (cloudcore
 * speaks it), its cipher suites and two key-exchange groups. The default
 * offer also lists TLS 1.2 suites and groups nobody uses here: about 200
 * bytes more on every connect, a tenth of a resumed reconnect.
 */
const LEAN_CLIENT_HELLO = {
  minVersion: 'TLSv1.3',
  ciphers: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  ecdhCurve: 'X25519:prime256v1',
  sigalgs: 'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:rsa_pss_rsae_sha256:rsa_pkcs1_sha256',
} as const;

const DEFAULT_CONNECT_TIMEOUT_MS = 4_000;

/**
 * Ends a connect attempt whose SYNs go unanswered. Left alone, the kernel
 * retransmits the SYN at 1, 3, 7, 15 and 31 s, so after a cut link comes
 * back the edge would sit out the next gap, up to 16 s, before it tries again;
 * a fresh attempt sends its SYN at once. When the timer fires the event loop
 * may have lagged past a connect that already succeeded (timers run before
 * I/O in each turn): the verdict waits for that turn's I/O.
 */
export function giveUpUnanswered(socket: Socket, timeoutMs: number): void {
  const timer = setTimeout(
    () =>
      setImmediate(() => {
        if (socket.connecting)
          socket.destroy(new Error(`no TCP answer within ${timeoutMs} ms (link down or cloud host unreachable)`));
      }),
    timeoutMs,
  );
  const settle = () => clearTimeout(timer);
  socket.once('connect', settle);
  socket.once('close', settle);
}

/**
 * TLS session tickets of the latest connection, for resumption: a resumed
 * handshake skips both certificates and costs ~1.5 KB instead of ~4 KB
 * (loopback, P-256 certificates). Tickets name the client certificate they
 * were issued for, so a renewed certificate starts over with a full handshake.
 */
class TlsSessionCache {
  private session: Buffer | undefined;
  private cert: Buffer | undefined;

  /** The ticket to offer with `cert`, if one was issued for it. */
  offer(cert: Buffer): Buffer | undefined {
    return this.cert?.equals(cert) ? this.session : undefined;
  }
  keep(socket: TLSSocket, cert: Buffer): void {
    socket.on('session', (session: Buffer) => {
      this.session = session;
      this.cert = cert;
    });
  }
}

/**
 * The TLS context of the node's credentials, built again only when a file
 * changed (a renewed certificate): building one parses the CA and the key,
 * work a resumed reconnect has no use for.
 */
class CredentialsContext {
  private files: Buffer[] = [];
  private context: SecureContext | undefined;

  for(ca: Buffer, cert: Buffer, key: Buffer): SecureContext {
    const files = [ca, cert, key];
    if (!this.context || files.some((file, i) => !file.equals(this.files[i]!))) {
      this.context = createSecureContext({ ...LEAN_CLIENT_HELLO, ca, cert, key });
      this.files = files;
    }
    return this.context;
  }
}

/** Loaded on first dial (an edge that never reaches the cloud does not pay for it), then kept. */
let wsModule: Promise<typeof Ws> | undefined;
const loadWs = () => (wsModule ??= import('ws'));

/**
 * Dials the cloud over TLS with the node's client certificate. The files are
 * read on every dial, so a renewed certificate is used by the next connection.
 * Direct connections resume TLS sessions; through a proxy every handshake is full.
 */
export function webSocketDialer(options: WebSocketDialerOptions): Dialer {
  const sessions = new TlsSessionCache();
  const credentials = new CredentialsContext();
  return async (signal) => {
    const { WebSocket } = await loadWs();
    const proxy = proxyFor(options.url, options.proxy);
    const agent = proxy ? new (await import('https-proxy-agent')).HttpsProxyAgent(proxy) : undefined;
    const ca = readFileSync(options.caFile);
    const cert = readFileSync(options.certFile);
    const key = readFileSync(options.keyFile);
    const resumingConnect = (tlsOptions: ConnectionOptions): TLSSocket => {
      const host = tlsOptions.host ?? '';
      const socket = tlsConnect({
        ...tlsOptions,
        path: undefined,
        // SNI takes host names only, as in ws's own connect.
        servername: isIP(host) ? '' : host,
        session: sessions.offer(cert),
        secureContext: credentials.for(ca, cert, key),
      });
      sessions.keep(socket, cert);
      giveUpUnanswered(socket, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      return socket;
    };
    const socket = new WebSocket(options.url, SUBPROTOCOL, {
      ...LEAN_CLIENT_HELLO,
      ca,
      cert,
      key,
      // ws types createConnection as net's; ws calls it with TLS options for wss:// URLs.
      ...(agent ? { agent } : { createConnection: resumingConnect as unknown as ClientOptions['createConnection'] }),
      perMessageDeflate: options.deflate ?? true,
      maxPayload: options.limits.maxFrameBytes,
      handshakeTimeout: options.handshakeTimeoutMs ?? 30_000,
    });
    return new Promise<Connection>((resolve, reject) => {
      const onAbort = () => socket.terminate();
      signal.addEventListener('abort', onAbort, { once: true });
      // `answer` is set when the cloud answered (e.g. 503 busy): the client then backs off
      // further, or comes back when the cloud said to.
      const failed = (why: string, cause?: unknown, answer?: { httpStatus?: number; retryAfterMs?: number }) => {
        signal.removeEventListener('abort', onAbort);
        reject(
          new CloudUnreachableError(
            `cannot connect to ${options.url}${proxy ? ` via proxy ${proxy}` : ''}: ${why}`,
            { url: options.url, proxy, ...answer },
            { cause },
          ),
        );
      };
      socket.once('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
        const retryAfterMs = retryAfterHeaderMs(res.headers['retry-after']);
        failed(
          res.statusCode === 503
            ? `cloud is busy (HTTP 503)${retryAfterMs === undefined ? '' : `; it asks to come back in ${retryAfterMs / 1000} s`}`
            : `cloud answered HTTP ${res.statusCode} ${res.statusMessage ?? ''} (a 401/403 means the node certificate was refused: run kedge join again)`,
          undefined,
          { httpStatus: res.statusCode, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
        );
        socket.terminate();
      });
      socket.once('error', (err) => failed(err.message, err));
      socket.once('open', () => {
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        resolve(adapt(socket));
      });
    });
  };
}

/** Retry-After in whole seconds (the form cloudcore sends); a date or anything else is ignored. */
export function retryAfterHeaderMs(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

function adapt(socket: WsSocket): Connection {
  const closeListeners: ((info: CloseInfo) => void)[] = [];
  let closed: CloseInfo | undefined;
  const finish = (info: CloseInfo) => {
    if (closed) return;
    closed = info;
    for (const listener of closeListeners) listener(info);
  };
  // Errors after open end in 'close'; listening keeps them from being thrown.
  socket.on('error', () => {});
  socket.on('close', (code: number, reason: Buffer) => finish({ code, reason: reason.toString() }));
  return {
    send: (data) => {
      if (socket.readyState === socket.OPEN) socket.send(data, { binary: true });
    },
    onMessage: (listener) =>
      socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        // Frames are binary; a text message means the peer is not a Kedge cloud.
        if (!isBinary) return socket.close(WS_CLOSE.protocolError, 'text message; Kedge frames are binary');
        listener(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
      }),
    onClose: (listener) => {
      if (closed) listener(closed);
      else closeListeners.push(listener);
    },
    onAlive: (listener) => {
      socket.on('ping', listener);
      socket.on('pong', listener);
      // Bytes from the cloud are a sign of life before ws decodes them: a pong that
      // arrived behind frames still being inflated must not count as missing.
      (socket as unknown as { _socket?: Duplex })._socket?.on('data', listener);
    },
    ping: () => {
      if (socket.readyState === socket.OPEN) socket.ping();
    },
    close: (code = 1000, reason = '') => {
      // A dead peer cannot answer a close handshake: drop the socket at once.
      if (code === WS_CLOSE.deadPeer) return socket.terminate();
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
      // A peer that never answers the close handshake must not keep the socket.
      setTimeout(() => socket.terminate(), 5_000).unref();
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
  };
}
