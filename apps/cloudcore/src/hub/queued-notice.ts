/**
 * Interim answers to an upgrade that waits for a handshake slot. The edge's
 * handshake timeout counts quiet time (30 s by default), so a node queued
 * behind a reconnect storm keeps its place instead of giving up and paying
 * for another TLS handshake later.
 */
import type { Duplex } from 'node:stream';

/** Well within the edge's 30 s of quiet. */
export const QUEUED_NOTICE_INTERVAL_MS = 10_000;

/** Writes `102 Processing` every `intervalMs` until the returned function is called. */
export function noticeWhileQueued(socket: Duplex, intervalMs = QUEUED_NOTICE_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write('HTTP/1.1 102 Processing\r\n\r\n');
  }, intervalMs);
  return () => clearInterval(timer);
}
