// Writing responses: JSON bodies, Status errors, and pre-serialised lists.
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { ApiError, apiErrors } from '../errors';

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  sendRaw(res, code, JSON.stringify(body));
}

export function sendRaw(res: ServerResponse, code: number, json: string, contentType = 'application/json'): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-cache, private',
  });
  res.end(json);
}

export function sendError(res: ServerResponse, error: unknown, onUnexpected: (error: unknown) => void): void {
  let apiError: ApiError;
  if (error instanceof ApiError) apiError = error;
  else {
    onUnexpected(error);
    apiError = apiErrors.internal(error instanceof Error ? error.message : String(error), error);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, apiError.httpCode, apiError.toStatus());
}

export const successStatus = (details: Record<string, unknown>): Record<string, unknown> => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Success',
  details,
});

const LIST_CHUNK_CHARS = 64 * 1024;

/**
 * Streams `head + items.join(',') + tail` in chunks, waiting for the socket
 * to drain: a 10,000-pod list never exists as one 10 MB string or buffer.
 */
export async function sendJsonStream(
  res: ServerResponse,
  head: string,
  items: readonly string[],
  tail: string,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  let chunk = head;
  for (let i = 0; i < items.length; i++) {
    chunk += i === 0 ? items[i] : `,${items[i]}`;
    if (chunk.length >= LIST_CHUNK_CHARS) {
      const flowing = res.write(chunk);
      chunk = '';
      if (!flowing) await once(res, 'drain');
      if (res.destroyed) return;
    }
  }
  res.end(chunk + tail);
}
