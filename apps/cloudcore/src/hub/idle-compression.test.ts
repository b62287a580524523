import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { releaseIdleCompression, watchCompressionWork, wsInternalsPresent } from './idle-compression';
import { EDGE_DEFLATE_OPTIONS } from './server';

let server: Server | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await new Promise((resolve) => server?.close(resolve));
});

/** A hub-like server and an edge-like client over permessage-deflate; resolves both ends. */
async function pair({ watch = true } = {}): Promise<{ cloud: WebSocket; edge: WebSocket }> {
  server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: EDGE_DEFLATE_OPTIONS });
  const cloud = new Promise<WebSocket>((resolve) =>
    wss.once('connection', (ws: WebSocket) => {
      if (watch) watchCompressionWork(ws);
      resolve(ws);
    }),
  );
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const edge = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate: true });
  await new Promise((resolve) => edge.once('open', resolve));
  sockets.push(edge, await cloud);
  return { cloud: await cloud, edge };
}

const next = (ws: WebSocket) =>
  new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
const pod = (i: number) =>
  JSON.stringify({ kind: 'Pod', metadata: { name: `web-${i}` }, spec: { image: 'x'.repeat(2000) } });

/** Messages [from, to) each way; each must arrive as sent. */
async function exchange(cloud: WebSocket, edge: WebSocket, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const atEdge = next(edge);
    cloud.send(pod(i));
    expect(await atEdge).toBe(pod(i));
    const atCloud = next(cloud);
    edge.send(pod(i + 100));
    expect(await atCloud).toBe(pod(i + 100));
  }
}

describe('idle compression release', () => {
  it('finds ws internals where it expects them', async () => {
    const { cloud } = await pair();
    expect(wsInternalsPresent(cloud)).toBe(true);
  });

  it('closes both contexts and keeps every later message readable both ways', async () => {
    const { cloud, edge } = await pair();
    await exchange(cloud, edge, 0, 3);
    expect(releaseIdleCompression(cloud)).toBe(2);
    expect(releaseIdleCompression(cloud)).toBe(0);
    // The edge's inflater still holds the old context; a fresh deflate stream must not confuse it.
    await exchange(cloud, edge, 3, 6);
  });

  it('keeps the contexts while a message is being inflated or deflated', async () => {
    const { cloud, edge } = await pair();
    await exchange(cloud, edge, 0, 1);
    // Bytes read, their decompression queued: closing the inflater now would crash the process.
    const seen: number[] = [];
    (cloud as unknown as { _socket: Socket })._socket.on('data', () => seen.push(releaseIdleCompression(cloud)));
    const atCloud = next(cloud);
    edge.send(pod(7));
    expect(await atCloud).toBe(pod(7));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n === 0)).toBe(true);
    // A send whose compression has not called back yet.
    cloud.send(pod(8));
    expect(releaseIdleCompression(cloud)).toBe(0);
    expect(await next(edge)).toBe(pod(8));
    expect(releaseIdleCompression(cloud)).toBe(2);
  });

  it('never releases a connection whose compression work is not watched', async () => {
    const { cloud, edge } = await pair({ watch: false });
    await exchange(cloud, edge, 0, 1);
    expect(releaseIdleCompression(cloud)).toBe(0);
  });

  it('keeps the inflater when the edge did not agree to client_no_context_takeover', async () => {
    const { cloud, edge } = await pair();
    const atCloud = next(cloud);
    edge.send(pod(1));
    await atCloud;
    const params = (cloud as unknown as { _extensions: Record<string, { params: Record<string, unknown> }> })
      ._extensions['permessage-deflate']!.params;
    params.client_no_context_takeover = false;
    expect(releaseIdleCompression(cloud)).toBe(0); // nothing was deflated by the cloud yet, inflater kept
  });
});
