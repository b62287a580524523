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
