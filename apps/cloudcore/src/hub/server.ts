/**
 * The edge channel listener: HTTPS with optional client certificates (join
 * and /ca.crt need none), routes from other modules, and the WebSocket
 * upgrade at /v1/connect, which requires a node certificate and a slot of
 * the handshake gate.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TlsOptions, TLSSocket } from 'node:tls';
import { WebSocketServer, type PerMessageDeflateOptions } from 'ws';
import { withDefaults } from '@kedge/protocol';
import type { CloudContext, ServerTls } from '../context';
import { errorMessage } from '../errors';
import { FifoSlots } from '../fifo-slots';
import { HandshakeBusyError, HandshakeGate } from './gate';
import { peerIdentity } from './identity';
import { noticeWhileQueued } from './queued-notice';
import { sendJson, type RouteHandler } from './routes';
import { serveConnection } from './connection';
import type { SessionDeps } from './session';

export const CONNECT_PATH = '/v1/connect';
export const SUBPROTOCOL = 'kedge.v1';
/**
 * How long a TLS session may be resumed without the certificates. A node
 * back within this after an outage or a cloudcore restart saves ~2.5 KB per
 * reconnect; its certificate was verified when the session began, and
 * certificates live far longer (see certValidityHours).
 */
const TLS_SESSION_LIFETIME_SECONDS = 24 * 3600;
/** permessage-deflate window (2^12 = 4 KiB) each way, and the compressor's memory level. */
const DEFLATE_WINDOW_BITS = 12;
const DEFLATE_MEM_LEVEL = 5;
/**
 * Output buffer of each zlib stream. Node's default (16 KiB) is allocated per
 * stream and outlives the stream's close until a full GC; most edge frames
 * compress to well under 4 KiB, and larger ones take a few more rounds.
 */
const DEFLATE_CHUNK_BYTES = 4096;
/**
 * Object frames the replica hands to WebSockets before earlier ones are
 * written (../fifo-slots.ts): the most that can stand in ws's zlib queue
 * ahead of a ping's pong or an incoming status.
 */
const FRAME_SLOTS = 1024;

/** permessage-deflate as the hub offers it to edges. */
export const EDGE_DEFLATE_OPTIONS: PerMessageDeflateOptions = {
  threshold: 1024,
  // zlib's defaults (32 KiB window, memLevel 8) hold ~300 KB per connection;
  // 4 KiB windows keep most of the gain on Kubernetes JSON, and idle
  // connections give their contexts back (idle-compression.ts).
  serverMaxWindowBits: DEFLATE_WINDOW_BITS,
  clientMaxWindowBits: DEFLATE_WINDOW_BITS,
  // Each edge message starts afresh, so an idle connection's inflater can be closed.
  clientNoContextTakeover: true,
  zlibDeflateOptions: { memLevel: DEFLATE_MEM_LEVEL, chunkSize: DEFLATE_CHUNK_BYTES },
  zlibInflateOptions: { chunkSize: DEFLATE_CHUNK_BYTES },
};

/**
 * The edge channel's TLS listener. Client certificates are asked for but
 * checked per route (join has none); tickets resume on any replica sharing the CA.
 */
export function edgeTlsOptions(tls: ServerTls): TlsOptions {
  return {
    key: tls.keyPem,
    cert: tls.certPem,
    ca: [tls.caPem],
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    ticketKeys: tls.ticketKeys,
    sessionTimeout: TLS_SESSION_LIFETIME_SECONDS,
    // A ticket names the context it was issued in, and Node's default is a hash of the
    // command line: replicas (or a restart) with other flags would refuse each other's
    // tickets. One fixed, short context also makes each ticket about 30 bytes smaller.
    sessionIdContext: SUBPROTOCOL,
  };
}

/** An HTTP answer in place of the upgrade; `retryAfterMs` also goes out as Retry-After (whole seconds). */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string, retryAfterMs?: number): void {
  const body = JSON.stringify(retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs });
  const retryAfter = retryAfterMs === undefined ? '' : `Retry-After: ${Math.ceil(retryAfterMs / 1000)}\r\n`;
  const text =
    status === 401
      ? 'Unauthorized'
      : status === 503
        ? 'Service Unavailable'
        : status === 404
          ? 'Not Found'
          : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retryAfter}Connection: close\r\n\r\n${body}`,
  );
}

/**
 * A signal that aborts when the socket closes. Made outside the upgrade
 * handler on purpose: a closure there would share the handler's scope and keep
 * the upgrade request, its headers and all, for the connection's life.
 */
function abortOnClose(socket: Duplex): AbortSignal {
  const closed = new AbortController();
  socket.once('close', () => closed.abort());
  return closed.signal;
}

export async function startEdgeServer(ctx: CloudContext): Promise<{ server: Server; wss: WebSocketServer }> {
  const { config, metrics, log } = ctx;
  const tls = await ctx.serverTls.promise;
  const limits = withDefaults();
  const deps: SessionDeps = {
    config,
    limits,
    registry: ctx.sessions,
    metrics,
    log: log.child('session'),
    frameSlots: new FifoSlots(FRAME_SLOTS, 'frame slots'),
  };
  const gate = new HandshakeGate({
    maxConcurrent: config.maxConcurrentHandshakes,
    queueSize: config.handshakeQueueSize,
    maxQueueWaitMs: config.handshakeQueueWaitMs,
    onChange: (running, waiting) => {
      metrics.handshakesInFlight.set(running);
      metrics.handshakesQueued.set(waiting);
    },
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: EDGE_DEFLATE_OPTIONS,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const server = createServer(edgeTlsOptions(tls), (req, res) => {
    const path = new URL(req.url ?? '/', 'https://cloudcore').pathname;
    const route = ctx.routes.find(req.method ?? 'GET', path);
    if (!route) {
      const status = path === CONNECT_PATH ? 426 : 404;
      return sendJson(res, status, {
        code: 'NOT_FOUND',
        message: status === 426 ? 'use a WebSocket upgrade' : `no route ${req.method} ${path}`,
      });
    }
    (route as RouteHandler)(req as IncomingMessage & { socket: TLSSocket }, res).catch((err: unknown) => {
      log.error('route failed', { path, error: errorMessage(err) });
      if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL', message: 'internal error; see cloudcore logs' });
      else res.destroy();
    });
  });
  // TLS sockets count cleartext; wire bytes come from the TCP socket under each, found by its address.
  const tcpSockets = new Map<string, Socket>();
  const addressOf = (s: Socket) => `${s.remoteAddress}|${s.remotePort}`;
  server.on('connection', (tcp: Socket) => {
    const key = addressOf(tcp);
    tcpSockets.set(key, tcp);
    tcp.once('close', () => tcpSockets.delete(key));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string, message: string, retryAfterMs?: number) => {
      metrics.handshakesRefused.inc({ reason });
      // A storm refuses thousands: those are counted, not logged one by one.
      if (reason !== 'busy') log.warn('refusing edge upgrade', { reason, message, remote: req.socket.remoteAddress });
      refuseUpgrade(socket, status, reason.toUpperCase(), message, retryAfterMs);
    };
    if (new URL(req.url ?? '/', 'https://cloudcore').pathname !== CONNECT_PATH)
      return refuse(404, 'bad_path', `connect at ${CONNECT_PATH}`);
    const tlsSocket = socket as TLSSocket;
    // Only a socket with a trusted client certificate may wait for a slot; the certificate
    // itself is read once a slot is granted, so the excess of a storm is refused cheaply.
    if (!tlsSocket.authorized) {
      const identity = peerIdentity(tlsSocket); // names why: no certificate, or an untrusted one
      if (!identity.ok) return refuse(401, identity.reason, identity.message);
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL))
      return refuse(400, 'bad_subprotocol', `offer WebSocket subprotocol ${SUBPROTOCOL}`);
    const stopNotices = noticeWhileQueued(socket);
    gate.acquire(abortOnClose(socket)).then(
      (release) => {
        stopNotices();
        if (socket.destroyed) return release();
        const identity = peerIdentity(tlsSocket);
        if (!identity.ok) {
          release();
          return refuse(401, identity.reason, identity.message);
        }
        wss.handleUpgrade(req, socket, head, (ws) =>
          serveConnection(ws, tcpSockets.get(addressOf(tlsSocket)) ?? tlsSocket, identity.nodeName, deps, release),
        );
      },
      (err: unknown) => {
        stopNotices();
        refuse(503, 'busy', errorMessage(err), err instanceof HandshakeBusyError ? err.retryAfterMs : undefined);
      },
    );
  });
  server.on('tlsClientError', (err) => {
    metrics.handshakesRefused.inc({ reason: 'tls_error' });
    log.debug('TLS handshake failed', { error: err.message });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, wss };
}
