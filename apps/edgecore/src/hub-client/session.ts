import {
  decodeFrame,
  encodeFrame,
  FEATURES,
  COMPRESSION,
  manifestDigest,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  type CloseCode,
  type Frame,
  type FrameLimits,
  type FrameOf,
} from '@kedge/protocol';
import type { Logger } from '../config';
import type { Metastore } from '../metastore';
import { WS_CLOSE, type CloseInfo, type Connection } from './connection';
import type { Delivery } from './delivery';
import { OutboxSender } from './outbox-sender';
import type { HubStats } from './stats';

export interface SessionOptions {
  nodeName: string;
  agentVersion: string;
  limits: FrameLimits;
  outboxWindow: number;
  maxBufferedBytes: number;
  ackTimeoutMs: number;
  pingIntervalMs: number;
  deadPeerTimeoutMs: number;
  ackProbeAfterMs: number;
  pongTimeoutMs: number;
  welcomeTimeoutMs: number;
}

export interface SessionDeps {
  conn: Connection;
  store: Metastore;
  delivery: Delivery;
  log: Logger;
  stats: HubStats;
  onWelcome?: (welcome: FrameOf<'welcome'>) => void;
  onSynced?: () => void;
}

export interface SessionResult {
  welcomed: boolean;
  synced: boolean;
  close: CloseInfo;
  /** What the cloud said in its close frame, if it sent one. */
  cloudClose?: { code: CloseCode; message: string };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A WebSocket close reason holds at most 123 bytes of UTF-8; cut on a character boundary. */
export function closeReason(message: string): string {
  let out = message;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/**
 * One connection's life: hello and manifest out; objects in, stored, then
 * acked, then handed to handlers; statuses out from the outbox. Ends when
 * the connection closes; never throws for anything the peer sends.
 */
export function runSession(options: SessionOptions, deps: SessionDeps): Promise<SessionResult> {
  const { conn, store, log, stats, delivery } = deps;
  let nextId = 1;
  let welcomed = false;
  let synced = false;
  let cloudClose: SessionResult['cloudClose'];
  let lastSeen = Date.now();
  /** The cloud's ping interval from welcome; 0 until then. */
  let cloudHeartbeatMs = 0;
  /** When the edge last pinged a quiet cloud; 0 = never. */
  let pingSentAt = 0;
  let closing = false;
  const pendingAcks: number[] = [];
  let ackTimer: NodeJS.Immediate | undefined;

  const send = (frame: Frame): void => {
    const id = frame.id || nextId;
    if (!frame.id) nextId = nextId >= 0xffffffff ? 1 : nextId + 1; // ids are uint32 on the wire
    const bytes = encodeFrame({ ...frame, id } as Frame);
    stats.framesOut++;
    stats.bytesOut += bytes.byteLength;
    conn.send(bytes);
  };
  const sender = new OutboxSender(
    store.outbox,
    send,
    () => conn.bufferedAmount,
    {
      window: options.outboxWindow,
      maxBufferedBytes: options.maxBufferedBytes,
      ackTimeoutMs: options.ackTimeoutMs,
      maxBodyBytes: options.limits.maxBodyBytes,
    },
    stats,
    log,
  );

  const flushAcks = (): void => {
    ackTimer = undefined;
    while (pendingAcks.length > 0)
      send({ id: 0, type: 'ack', ids: pendingAcks.splice(0, options.limits.maxListEntries) });
  };
  const ack = (id: number): void => {
    if (id === 0) return;
    pendingAcks.push(id);
    // Acks of one burst of events travel together.
    ackTimer ??= setImmediate(flushAcks);
  };
  const fail = (code: CloseCode, message: string): void => {
    if (closing) return;
    closing = true;
    stats.malformedFrames++;
    log.warn('closing connection: bad frame from cloud', { code, reason: message });
    try {
      send({ id: 0, type: 'close', code, message });
    } finally {
      conn.close(WS_CLOSE.protocolError, closeReason(message));
    }
  };

  const onObject = (frame: FrameOf<'object'>): void => {
    if (frame.eventType === 'DELETED') {
      const removed = store.objects.delete(frame.uid);
      ack(frame.id);
      if (removed) {
        stats.objectsDeleted++;
        delivery.remove(removed);
      }
      return;
    }
    let text: string;
    let body: unknown;
    try {
      text = utf8.decode(frame.body);
      body = JSON.parse(text);
    } catch (err) {
      return fail(
        'PROTOCOL_ERROR',
        `object ${frame.kind} ${frame.namespace}/${frame.name}: body is not JSON (${(err as Error).message})`,
      );
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return fail('PROTOCOL_ERROR', `object ${frame.kind} ${frame.namespace}/${frame.name}: body is not a JSON object`);
    }
    const { kind, namespace, name, uid, resourceVersion, contentHash } = frame;
    const applied = store.objects.put({ kind, namespace, name, uid, resourceVersion, body: text, contentHash });
    ack(frame.id);
    if (!applied) {
      stats.objectsIgnored++;
      return;
    }
    stats.objectsApplied++;
    delivery.upsert({ kind, namespace, name, uid, resourceVersion, body: body as Record<string, unknown> });
  };

  const markSynced = (sent: number, deleted: number): void => {
    synced = true;
    log.info('synced with cloud', { sent, deleted });
    deps.onSynced?.();
  };

  const onSyncComplete = (frame: FrameOf<'syncComplete'>): void => {
    for (const uid of frame.deletedUids) {
      const removed = store.objects.delete(uid);
      if (removed) {
        stats.objectsDeleted++;
        delivery.remove(removed);
      }
    }
    markSynced(frame.sentCount, frame.deletedUids.length);
  };

  // What the edge holds: its digest goes in hello, the list itself after welcome
  // unless the cloud matched the digest. Objects arrive only after welcome, so it stays true.
  const manifest = store.objects.manifest();
  const sendManifest = (): void => {
    const partSize = options.limits.maxManifestEntries;
    const parts = Math.max(1, Math.ceil(manifest.length / partSize));
    for (let part = 0; part < parts; part++) {
      send({
        id: 0,
        type: 'manifest',
        entries: manifest.slice(part * partSize, (part + 1) * partSize),
        part,
        complete: part === parts - 1,
      });
    }
  };

  const onFrame = (frame: Frame): void => {
    if (!welcomed && frame.type !== 'welcome' && frame.type !== 'close') {
      return fail('PROTOCOL_ERROR', `expected welcome first, got ${frame.type}`);
    }
    switch (frame.type) {
      case 'welcome':
        if (welcomed) return fail('PROTOCOL_ERROR', 'second welcome');
        if (frame.protocolVersion < MIN_PROTOCOL_VERSION || frame.protocolVersion > PROTOCOL_VERSION) {
          return fail(
            'UNSUPPORTED_VERSION',
            `cloud chose protocol ${frame.protocolVersion}, edge speaks ${MIN_PROTOCOL_VERSION}..${PROTOCOL_VERSION}`,
          );
        }
        welcomed = true;
        cloudHeartbeatMs = frame.heartbeatIntervalMs;
        log.info('connected to cloud', {
          server: frame.serverId,
          protocolVersion: frame.protocolVersion,
          compression: frame.compression,
        });
        deps.onWelcome?.(frame);
        sender.start();
        // A matched digest: the cloud knows what this node holds, and this node holds all of it.
        if (frame.manifestDigestMatched) markSynced(0, 0);
        else sendManifest();
        return;
      case 'object':
        return onObject(frame);
      case 'syncComplete':
        return onSyncComplete(frame);
      case 'statusAck':
        return sender.acked(frame.entries);
      case 'twin':
        // Desired values arrive inside Device objects; a twin frame only needs its ack.
        return ack(frame.id);
      case 'streamOpen':
        return send({
          id: 0,
          type: 'streamClose',
          streamId: frame.streamId,
          exitCode: 1,
          reason: 'streams are not served by this edgecore',
        });
      case 'streamData':
      case 'streamClose':
      case 'ack':
        return;
      case 'close':
        cloudClose = { code: frame.code, message: frame.message };
        return;
      default:
        return fail('PROTOCOL_ERROR', `frame type ${frame.type} only travels edge to cloud`);
    }
  };

  return new Promise<SessionResult>((resolve) => {
    const welcomeTimer = setTimeout(() => {
      if (!welcomed) {
        log.warn('no welcome from cloud in time; reconnecting', { timeoutMs: options.welcomeTimeoutMs });
        conn.close(WS_CLOSE.protocolError, 'no welcome');
      }
    }, options.welcomeTimeoutMs);
    // Dead-peer detection: probe when quiet, give up when silent too long.
    const liveness = setInterval(
      () => {
        if (closing) return; // the close under way may take a while on a dead link
        const now = Date.now();
        const quietMs = now - lastSeen;
        const { pingAfterMs, deadAfterMs } = livenessFor(options, cloudHeartbeatMs);
        // Statuses waiting for acks from a quiet cloud: probe now rather than after a whole
        // cloud ping interval, so a cut under traffic is noticed in seconds and redialled.
        const probeAfterMs = sender.awaitingAcks ? Math.min(pingAfterMs, options.ackProbeAfterMs) : pingAfterMs;
        // Our own ping unanswered with nothing of ours left to write: the link is gone (a long
        // cut). Redialling now, not at deadAfterMs, lets the node back soon after the link returns.
        const pingUnanswered =
          pingSentAt > lastSeen && now - pingSentAt >= options.pongTimeoutMs && conn.bufferedAmount === 0;
        if (quietMs >= deadAfterMs || pingUnanswered) {
          log.warn('cloud silent; closing connection', { quietMs, pingUnanswered });
          closing = true;
          conn.close(WS_CLOSE.deadPeer, 'peer silent');
        } else if (quietMs >= probeAfterMs && pingSentAt <= lastSeen) {
          pingSentAt = now;
          conn.ping();
        }
      },
      Math.max(
        10,
        Math.min(options.pingIntervalMs, options.deadPeerTimeoutMs, options.pongTimeoutMs, options.ackProbeAfterMs) / 3,
      ),
    );

    conn.onAlive(() => (lastSeen = Date.now()));
    conn.onMessage((data) => {
      if (closing) return;
      lastSeen = Date.now();
      stats.framesIn++;
      stats.bytesIn += data.byteLength;
      const decoded = decodeFrame(data, options.limits);
      if (!decoded.ok)
        return fail(
          decoded.error.code === 'FRAME_TOO_LARGE' ? 'FRAME_TOO_LARGE' : 'PROTOCOL_ERROR',
          decoded.error.message,
        );
      try {
        onFrame(decoded.frame);
      } catch (err) {
        // A store failure (disk full) is not the peer's fault, but the frame was not applied: drop the connection so it is resent.
        log.error('applying frame failed; reconnecting', { type: decoded.frame.type, error: err });
        closing = true;
        conn.close(WS_CLOSE.protocolError, 'edge failed to apply a frame');
      }
    });
    conn.onClose((close) => {
      clearTimeout(welcomeTimer);
      clearInterval(liveness);
      if (ackTimer) clearImmediate(ackTimer);
      sender.stop();
      resolve({ welcomed, synced, close, ...(cloudClose ? { cloudClose } : {}) });
    });

    send({
      id: 0,
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      minProtocolVersion: MIN_PROTOCOL_VERSION,
      features: [FEATURES.deviceTwin],
      compression: [COMPRESSION.permessageDeflate],
      nodeName: options.nodeName,
      agentVersion: options.agentVersion,
      manifestDigest: manifestDigest(manifest),
    });
  });
}

/**
 * When to ping and when to give up, given the cloud's announced ping
 * interval: while the cloud pings, the edge stays quiet (an idle link
 * carries only the cloud's ping and its pong), probing only when a cloud
 * ping is overdue, and declares the peer dead after two missed cloud pings.
 * The configured values are the floor.
 */
export function livenessFor(
  options: Pick<SessionOptions, 'pingIntervalMs' | 'deadPeerTimeoutMs'>,
  cloudHeartbeatMs: number,
): { pingAfterMs: number; deadAfterMs: number } {
  if (!(cloudHeartbeatMs > 0)) return { pingAfterMs: options.pingIntervalMs, deadAfterMs: options.deadPeerTimeoutMs };
  return {
    // 20 % lateness allowed to a cloud ping (scheduling, a loaded link).
    pingAfterMs: Math.max(options.pingIntervalMs, Math.round(cloudHeartbeatMs * 1.2)),
    deadAfterMs: Math.max(options.deadPeerTimeoutMs, Math.round(cloudHeartbeatMs * 2.5)),
  };
}
