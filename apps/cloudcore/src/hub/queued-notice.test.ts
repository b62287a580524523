import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { noticeWhileQueued } from './queued-notice';

/** An upgrade answered after `queuedMs`, with or without notices meanwhile. */
async function slowUpgradeServer(queuedMs: number, notices: boolean): Promise<Server> {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => {
    const stop = notices ? noticeWhileQueued(socket, 100) : () => undefined;
    setTimeout(() => {
      stop();
      wss.handleUpgrade(req, socket, head, (ws) => ws.send('welcome'));
    }, queuedMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** What an edge with a 300 ms handshake timeout gets: the first message, or its error. */
function dial(server: Server): Promise<string> {
  const { port } = server.address() as AddressInfo;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { handshakeTimeout: 300 });
  return new Promise((resolve) => {
    ws.on('message', (data: Buffer) => {
      resolve(data.toString());
      ws.close();
    });
    ws.on('error', (err) => resolve(`error: ${err.message}`));
  });
}

let server: Server | undefined;
afterEach(() => server?.close());

describe('noticeWhileQueued', () => {
  it('keeps an edge whose handshake timeout counts quiet time waiting past it', async () => {
    server = await slowUpgradeServer(900, true);
    expect(await dial(server)).toBe('welcome');
  });

  it('is what keeps it: without notices the same edge gives up', async () => {
    server = await slowUpgradeServer(900, false);
    expect(await dial(server)).toMatch(/^error: Opening handshake has timed out/);
  });
});
