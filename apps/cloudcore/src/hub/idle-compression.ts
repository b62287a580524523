/**
 * Gives back an idle connection's zlib contexts. permessage-deflate holds a
 * deflate and an inflate context per connection for its whole life: ~127 KB
 * of native memory per node on this machine (measured with 1,000 TLS
 * WebSockets, 4 KiB windows), twice what the TLS connection itself costs.
 * Most nodes are idle most of the time, so the contexts are closed after a
 * quiet spell and made again by ws on the next message.
 *
 * Safe for the peer: a fresh deflate stream never refers back to what an
 * older one sent, so the edge's inflater (with its context) decodes it as
 * it is. The inflater is only dropped when the edge agreed to
 * client_no_context_takeover, i.e. every message it sends starts afresh.
 *
 * This reaches into ws's PerMessageDeflate (`_deflate`, `_inflate`,
 * `params`, `compress`, `decompress`); wsInternalsPresent() lets a test
 * notice a ws release that renames them.
 */
import type { WebSocket } from 'ws';

interface ZlibStream {
  close(): void;
}
type ZlibCallback = (err: Error | null, result?: Buffer) => void;
type ZlibCall = (data: Buffer, fin: boolean, callback: ZlibCallback) => void;
interface PerMessageDeflateInternals {
  _deflate: ZlibStream | null;
  _inflate: ZlibStream | null;
  params: Record<string, unknown> | null;
  compress: ZlibCall;
  decompress: ZlibCall;
}

function extensionOf(ws: WebSocket): PerMessageDeflateInternals | undefined {
  const extensions = (ws as unknown as { _extensions?: Record<string, unknown> })._extensions;
  return extensions?.['permessage-deflate'] as PerMessageDeflateInternals | undefined;
}

/** Whether ws still keeps its zlib streams and calls where this module looks. */
export function wsInternalsPresent(ws: WebSocket): boolean {
  const pmd = extensionOf(ws);
  return (
    pmd !== undefined &&
    '_deflate' in pmd &&
    '_inflate' in pmd &&
    'params' in pmd &&
    typeof pmd.compress === 'function' &&
    typeof pmd.decompress === 'function'
  );
}

/** Compress and decompress calls of each watched connection not yet called back. */
const inFlight = new WeakMap<PerMessageDeflateInternals, number>();

/**
 * Counts the connection's compress and decompress calls from the moment ws
 * queues them until their callbacks. Under load they wait in ws's shared
 * zlib queue for seconds after their bytes were read or their send was
 * made, and closing a context under one of them crashes the process.
 * Call once, right after the upgrade; unwatched connections are never released.
 */
export function watchCompressionWork(ws: WebSocket): void {
  const pmd = extensionOf(ws);
  if (!pmd || inFlight.has(pmd)) return;
  inFlight.set(pmd, 0);
  for (const method of ['compress', 'decompress'] as const) {
    const call = pmd[method].bind(pmd);
    pmd[method] = (data, fin, callback) => {
      inFlight.set(pmd, (inFlight.get(pmd) ?? 0) + 1);
      call(data, fin, (err, result) => {
        inFlight.set(pmd, (inFlight.get(pmd) ?? 1) - 1);
        callback(err, result);
      });
    };
  }
}

/**
 * Closes the connection's zlib contexts unless one of them is in use (a
 * watched call in flight). Returns how many contexts were closed.
 */
export function releaseIdleCompression(ws: WebSocket): number {
  const pmd = extensionOf(ws);
  if (!pmd || inFlight.get(pmd) !== 0) return 0;
  let released = 0;
  if (pmd._deflate) {
    pmd._deflate.close();
    pmd._deflate = null;
    released++;
  }
  if (pmd._inflate && pmd.params?.client_no_context_takeover === true) {
    pmd._inflate.close();
    pmd._inflate = null;
    released++;
  }
  return released;
}
