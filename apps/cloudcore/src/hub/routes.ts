/** Plain HTTPS routes beside the WebSocket on the edge channel listener. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

export type RouteHandler = (req: IncomingMessage & { socket: TLSSocket }, res: ServerResponse) => Promise<void>;

export class RouteTable {
  private readonly routes = new Map<string, RouteHandler>();
  add(method: string, path: string, handler: RouteHandler): void {
    this.routes.set(`${method} ${path}`, handler);
  }
  find(method: string, path: string): RouteHandler | undefined {
    return this.routes.get(`${method} ${path}`);
  }
}

/** Writes a JSON body with the given status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

/** Reads a JSON request body of at most maxBytes; a failure says why (too large, not JSON). */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return { ok: false, status: 413, message: `request body is larger than ${maxBytes} bytes` };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'request body is not valid JSON' };
  }
}
