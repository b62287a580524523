// The same traffic in a plain JSON-over-WebSocket encoding, computed in the
// same run: each object event is `JSON.stringify({ type, event, object })`
// of the whole object as the API server returns it (no trimming, no
// manifest: a reconnect relists everything), measured raw and as
// permessage-deflate would send it (one raw deflate stream per connection,
// a sync flush per message, as `ws` does with context takeover).
import { constants, deflateRawSync } from 'node:zlib';

export interface JsonCost {
  messages: number;
  rawBytes: number;
  deflatedBytes: number;
}

export function jsonObjectEvents(objects: readonly unknown[], event = 'ADDED'): JsonCost {
  const messages = objects.map((object) => Buffer.from(JSON.stringify({ type: 'object', event, object })));
  return {
    messages: messages.length,
    rawBytes: messages.reduce((sum, m) => sum + m.length, 0),
    deflatedBytes: deflatedStream(messages),
  };
}

/**
 * Bytes of the messages through one deflate context with a sync flush after
 * each: a message costs what deflating the history plus it adds to deflating
 * the history alone (both end in the 00 00 ff ff flush tail that
 * permessage-deflate strips, so it cancels out).
 */
function deflatedStream(messages: readonly Buffer[]): number {
  let total = 0;
  let history = Buffer.alloc(0);
  for (const message of messages) {
    // The shared window is 32 KiB: only that much history can help.
    const before = deflateRawSync(history, { finishFlush: constants.Z_SYNC_FLUSH }).length;
    const after = deflateRawSync(Buffer.concat([history, message]), { finishFlush: constants.Z_SYNC_FLUSH }).length;
    total += Math.max(1, after - before);
    history = Buffer.concat([history, message]).subarray(-32 * 1024);
  }
  return total;
}
