// Streams a watch over HTTP: one JSON event per line, chunked, with
// periodic BOOKMARKs and a timeout, as client-go's reflector expects.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../controllers/api';
import { ApiError } from '../errors';
import type { ResourceDef } from '../registry/types';
import { apiVersionOf } from '../registry/types';
import { presentAt } from '../service/meta';
import type { Delivery, WatchQuery } from '../service/watch';
import { startWatch } from '../service/watch';
import type { Store } from '../store/store';
import type { IncludeObject } from '../tables/table';
import { buildTable } from '../tables/table';

/** Events wait at most this long so that bursts leave in one write per watcher. */
const WATCH_FLUSH_MS = 5;

export interface HttpWatchOptions extends WatchQuery {
  allowBookmarks: boolean;
  timeoutMs: number;
  bookmarkIntervalMs: number;
  /** A watcher that falls this far behind is closed; it re-watches from its last resourceVersion. */
  maxBufferedBytes: number;
  table?: { includeObject: IncludeObject };
}

export function serveWatch(
  store: Store,
  def: ResourceDef,
  req: IncomingMessage,
  res: ServerResponse,
  options: HttpWatchOptions,
): void {
  let headersSent = false;
  let tableHeaderSent = false;
  const sameVersion = !def.fromCrd || def.version === def.storageVersion;
  const open = (): void => {
    if (headersSent) return;
    headersSent = true;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    req.socket.setNoDelay(true);
    // Clients wait for the headers before they count the watch as started.
    res.flushHeaders();
  };
  let unsubscribe = (): void => {};
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(bookmarks);
    clearTimeout(timeout);
    if (pending.length) res.write(pending.join(''));
    pending = [];
    res.end();
  };

  const line = (d: Delivery): string => {
    if (options.table) {
      const table = buildTable(def, [presentAt(def, d.object)], {
        includeObject: options.table.includeObject,
        noHeaders: tableHeaderSent,
      });
      tableHeaderSent = true;
      return `{"type":"${d.type}","object":${JSON.stringify(table)}}\n`;
    }
    if (d.source && sameVersion) return `{"type":"${d.type}","object":${d.source.json}}\n`;
    return `{"type":"${d.type}","object":${JSON.stringify(sameVersion ? d.object : presentAt(def, d.object))}}\n`;
  };

  // Events of a short window go out in one write: a TLS record and a
  // syscall per event per watcher would dominate the server's time under load.
  let pending: string[] = [];
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    if (closed || !pending.length) return;
    const chunk = pending.join('');
    pending = [];
    res.write(chunk);
    if (res.writableLength > options.maxBufferedBytes) close();
  };
  const deliver = (d: Delivery): void => {
    if (closed) return;
    open();
    pending.push(line(d));
    if (!flushScheduled) {
      flushScheduled = true;
      setTimeout(flush, WATCH_FLUSH_MS);
    }
  };

  const bookmark = (): void => {
    if (closed) return;
    open();
    flush();
    const object: KubeObject = {
      kind: def.kind,
      apiVersion: apiVersionOf(def),
      metadata: { name: '', resourceVersion: String(store.currentRevision) },
    };
    res.write(`{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`);
  };

  const bookmarks = setInterval(() => {
    if (options.allowBookmarks) bookmark();
  }, options.bookmarkIntervalMs);
  const timeout = setTimeout(() => {
    if (options.allowBookmarks) bookmark();
    close();
  }, options.timeoutMs);
  res.on('close', close);

  try {
    unsubscribe = startWatch(store, def, options, deliver);
    open();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // Upstream reports a too-old resourceVersion inside the stream.
    open();
    res.write(`{"type":"ERROR","object":${JSON.stringify(error.toStatus())}}\n`);
    close();
  }
  if (closed) unsubscribe();
}
