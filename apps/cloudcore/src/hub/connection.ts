/**
 * The life of one edge connection after the upgrade: wait for hello within
 * the handshake timeout, negotiate, register the session (replacing an older
 * one of the same node), run open hooks, send welcome, then hand frames to
 * their handlers until the socket closes.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { LOCAL_SUPPORT, encodeFrame, negotiate, type CloseCode, type Frame, type HelloFrame } from '@kedge/protocol';
import { FrameRejectedError, errorMessage } from '../errors';
import { WS_CLOSE_CODES, closeReason } from './close-codes';
import { NodeSession, frameLoop, type SessionDeps } from './session';
import { watchCompressionWork } from './idle-compression';

const DEFLATE_NAMES = ['permessage-deflate', 'deflate'];
/** A connection quiet across two checks this far apart gives back its zlib contexts. */
const IDLE_COMPRESSION_CHECK_MS = 5_000;

export function serveConnection(
  ws: WebSocket,
  tcp: Socket,
  nodeName: string,
  deps: SessionDeps,
  releaseGate: () => void,
): void {
  const { registry, metrics, log, config } = deps;
  watchCompressionWork(ws);
  let session: NodeSession | undefined;
  let alive = true;
  let refused = false;

  const reject = (code: CloseCode, reason: string, message: string) => {
    if (refused) return;
    refused = true;
    metrics.rejectedFrames.inc({ reason });
    log.warn('refusing edge connection', { node: nodeName, code, reason, message });
    if (session) return session.close(code, message);
    if (ws.readyState === ws.OPEN) {
      ws.send(encodeFrame({ id: 0, type: 'close', code, message: message.slice(0, 1000) }));
      ws.close(WS_CLOSE_CODES[code], closeReason(message));
    }
  };

  const handshakeTimer = setTimeout(
    () => reject('PROTOCOL_ERROR', 'handshake_timeout', `no hello within ${config.handshakeTimeoutMs} ms`),
    config.handshakeTimeoutMs,
  );

  const open = async (hello: HelloFrame): Promise<NodeSession> => {
    const deflate = ws.extensions.includes('permessage-deflate');
    const negotiated = negotiate(hello, { ...LOCAL_SUPPORT, compression: deflate ? DEFLATE_NAMES : [] });
    if (!negotiated.ok)
      throw new FrameRejectedError('UNSUPPORTED_VERSION', 'unsupported_version', negotiated.error.message);
    if (hello.nodeName !== '' && hello.nodeName !== nodeName) {
      log.warn('hello names another node than the certificate; using the certificate', {
        node: nodeName,
        helloNodeName: hello.nodeName,
      });
    }
    const created = new NodeSession(nodeName, hello, ws, tcp, deps);
    session = created;
    const previous = registry.add(created);
    previous?.close('REPLACED', 'a newer connection of this node replaced this one');
    await registry.runOpenHooks(created);
    const { protocolVersion, features, compression } = negotiated.negotiated;
    created.send({
      type: 'welcome',
      protocolVersion,
      features,
      compression,
      heartbeatIntervalMs: config.pingIntervalMs,
      serverId: config.serverId,
      manifestDigestMatched: created.manifestDigestMatched,
    });
    created.welcomed();
    clearTimeout(handshakeTimer);
    releaseGate();
    metrics.connectedNodes.set(registry.size);
    log.info('edge node connected', {
      node: nodeName,
      session: created.sessionId,
      agent: hello.agentVersion,
      compression,
    });
    return created;
  };

  const handle = async (frame: Frame): Promise<void> => {
    if (refused || session?.isClosing) return; // frames queued behind the one that closed the connection
    alive = true;
    if (!session) {
      if (frame.type !== 'hello')
        throw new FrameRejectedError(
          'PROTOCOL_ERROR',
          'expected_hello',
          `first frame must be hello, got ${frame.type}`,
        );
      await open(frame);
      return;
    }
    switch (frame.type) {
      case 'hello':
        throw new FrameRejectedError(
          'PROTOCOL_ERROR',
          'duplicate_hello',
          'hello was already received on this connection',
        );
      case 'ack':
        session.ackObjects(frame.ids);
        return;
      case 'close':
        log.info('edge closed its session', { node: nodeName, code: frame.code, message: frame.message });
        session.close('NORMAL', 'edge asked to close');
        return;
    }
    const handler = registry.handlerFor(frame.type);
    if (!handler)
      throw new FrameRejectedError(
        'PROTOCOL_ERROR',
        'unexpected_frame',
        `the cloud does not accept ${frame.type} frames from edges`,
      );
    await handler(session, frame);
  };

  frameLoop(ws, nodeName, deps, handle, reject);

  // Liveness: a node that misses a whole ping interval (no pong, no frame) is dropped.
  const pinger = setInterval(() => {
    session?.sampleWireBytes();
    if (!alive) {
      metrics.rejectedFrames.inc({ reason: 'ping_timeout' });
      log.warn('edge node missed pings; dropping it', { node: nodeName });
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, config.pingIntervalMs);
  ws.on('pong', () => (alive = true));
  // zlib contexts of a node quiet for two checks in a row go back to the system.
  const compressionSweep = setInterval(() => {
    const released = session?.releaseIfIdle() ?? 0;
    if (released > 0) metrics.compressionContextsReleased.inc(released);
  }, IDLE_COMPRESSION_CHECK_MS);

  ws.on('error', (err: Error & { code?: string }) => {
    metrics.rejectedFrames.inc({ reason: (err.code ?? 'ws_error').toLowerCase() });
    log.warn('edge WebSocket error', { node: nodeName, error: err.message });
  });

  ws.on('close', (code: number, reason: Buffer) => {
    clearInterval(pinger);
    clearInterval(compressionSweep);
    clearTimeout(handshakeTimer);
    releaseGate();
    const ended = session;
    if (!ended) return;
    ended.sampleWireBytes();
    ended.ended();
    registry
      .remove(ended)
      .catch((err: unknown) => log.error('session close hook failed', { node: nodeName, error: errorMessage(err) }))
      .finally(() => metrics.connectedNodes.set(registry.size));
    log.info('edge node disconnected', { node: nodeName, session: ended.sessionId, code, reason: reason.toString() });
  });
}
