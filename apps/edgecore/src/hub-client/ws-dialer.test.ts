import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { decodeFrame, encodeFrame, withDefaults } from '@kedge/protocol';
import { WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudUnreachableError } from '../errors';
import { proxyFor, webSocketDialer, type WebSocketDialerOptions } from './index';
import { giveUpUnanswered, retryAfterHeaderMs } from './ws-dialer';
import { createNodeKey, createTestCa } from './testing/certs';

let dir: string;
let server: Server;
let wss: WebSocketServer;
let options: WebSocketDialerOptions;
const peers: string[] = [];
const resumed: boolean[] = [];
let issueNodeCert: () => Promise<string>;
let serverTls: { key: string; cert: string; ca: string };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-ws-'));
  const ca = await createTestCa();
  const node = await createNodeKey();
  const srv = await createNodeKey();
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'node.key'), node.keyPem);
  issueNodeCert = () => ca.issue('edge-1', node.keys.publicKey, new Date(Date.now() - 1000), 3_600_000);
  writeFileSync(join(dir, 'node.crt'), await issueNodeCert());
  serverTls = {
    key: srv.keyPem,
    cert: await ca.issue('localhost', srv.keys.publicKey, new Date(Date.now() - 1000), 3_600_000),
    ca: ca.certPem,
  };
  server = createServer({ ...serverTls, requestCert: true, rejectUnauthorized: true });
  wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) => (protocols.has('kedge.v1') ? 'kedge.v1' : false),
  });
  wss.on('connection', (socket, req) => {
    peers.push((req.socket as TLSSocket).getPeerCertificate().subject.CN as string);
    resumed.push((req.socket as TLSSocket).isSessionReused());
    socket.on('message', (data: Buffer) => {
      const decoded = decodeFrame(data);
      if (decoded.ok && decoded.frame.type === 'hello') {
        socket.send(
          encodeFrame({
            id: 1,
            type: 'welcome',
            protocolVersion: 1,
            features: [],
            compression: '',
            heartbeatIntervalMs: 30_000,
            serverId: 'tls-test',
            manifestDigestMatched: false,
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  options = {
    url: `wss://localhost:${port}/v1/connect`,
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'node.crt'),
    keyFile: join(dir, 'node.key'),
    proxy: '',
    limits: withDefaults({}),
  };
});
afterEach(async () => {
  peers.length = 0;
  resumed.length = 0;
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('webSocketDialer', () => {
  it('connects over mutual TLS with the node certificate and carries binary frames', async () => {
    const conn = await webSocketDialer(options)(new AbortController().signal);
    const received = new Promise<Uint8Array>((resolve) => conn.onMessage(resolve));
    conn.send(
      encodeFrame({
        id: 1,
        type: 'hello',
        protocolVersion: 1,
        minProtocolVersion: 1,
        features: [],
        compression: [],
        nodeName: 'edge-1',
        agentVersion: 'test',
        manifestDigest: '',
      }),
    );
    const reply = decodeFrame(await received);
    expect(reply.ok && reply.frame.type).toBe('welcome');
    expect(peers).toEqual(['edge-1']);
    const closed = new Promise((resolve) => conn.onClose(resolve));
    conn.close(1000, 'done');
    await closed;
  });

  it('counts bytes from the cloud as a sign of life, not only pings and pongs', async () => {
    const conn = await webSocketDialer(options)(new AbortController().signal);
    let alive = 0;
    conn.onAlive(() => alive++);
    const received = new Promise<Uint8Array>((resolve) => conn.onMessage(resolve));
    for (const client of wss.clients) client.send(Buffer.from([1, 2, 3]));
    await received;
    expect(alive).toBeGreaterThan(0);
    conn.close(1000, 'done');
  });

  it('resumes the TLS session on the next dial, and starts over after a certificate renewal', async () => {
    const dial = webSocketDialer(options);
    const once = async () => {
      const conn = await dial(new AbortController().signal);
      const closed = new Promise((resolve) => conn.onClose(resolve));
      conn.close(1000, 'done');
      await closed;
    };
    await once();
    await once();
    writeFileSync(join(dir, 'node.crt'), await issueNodeCert()); // a new serial: another certificate
    await once();
    await once();
    expect(peers).toEqual(['edge-1', 'edge-1', 'edge-1', 'edge-1']);
    expect(resumed).toEqual([false, true, false, true]);
  });

  it('tunnels through an HTTP CONNECT proxy', async () => {
    const tunnels: string[] = [];
    const sockets: { destroy(): void }[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url ?? '');
      sockets.push(client);
      const port = Number((req.url ?? '').split(':')[1]);
      const upstream = connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.push(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const conn = await webSocketDialer({ ...options, proxy: proxyUrl })(new AbortController().signal);
      expect(tunnels).toEqual([`localhost:${new URL(options.url).port}`]);
      expect(peers).toEqual(['edge-1']);
      conn.close(1000, 'done');
    } finally {
      for (const socket of sockets) socket.destroy();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('gives up on a cloud that leaves its SYNs unanswered after connectTimeoutMs', async () => {
    const silent = await unansweringListener();
    try {
      const startedAt = Date.now();
      const err = await webSocketDialer({
        ...options,
        url: `wss://localhost:${silent.port}/v1/connect`,
        connectTimeoutMs: 300,
      })(new AbortController().signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CloudUnreachableError);
      expect((err as Error).message).toContain('no TCP answer within 300 ms');
      // Left to the kernel, the attempt would wait for SYN retransmits up to the 30 s handshake timeout.
      expect(Date.now() - startedAt).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });

  it('keeps a connect that succeeded while the event loop lagged past the connect timeout', async () => {
    const listener = createNetServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const socket = connect((listener.address() as AddressInfo).port, '127.0.0.1');
    giveUpUnanswered(socket, 1);
    await new Promise((r) => process.nextTick(r)); // net issues the connect on the next tick
    const until = Date.now() + 50;
    while (Date.now() < until); // a busy edge: the timer is due before the connect is seen
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('error', (err) => resolve(err.message));
    });
    expect(outcome).toBe('connected');
    socket.destroy();
    listener.close();
  });

  it('speaks TLS 1.3 only: a cloud capped at TLS 1.2 is unreachable', async () => {
    server.setSecureContext({ ...serverTls, maxVersion: 'TLSv1.2' });
    const err = await webSocketDialer(options)(new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudUnreachableError);
  });

  it('reports a busy cloud with the time it asked the edge to wait', async () => {
    wss.options.verifyClient = (_info, answer) => answer(false, 503, 'Service Unavailable', { 'Retry-After': '7' });
    const err = await webSocketDialer(options)(new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudUnreachableError);
    expect((err as CloudUnreachableError).context).toMatchObject({ httpStatus: 503, retryAfterMs: 7_000 });
    expect((err as Error).message).toContain('come back in 7 s');
  });

  it('reads Retry-After in whole seconds only', () => {
    expect(retryAfterHeaderMs('12')).toBe(12_000);
    expect(retryAfterHeaderMs(' 0 ')).toBe(0);
    for (const bad of [undefined, '', '-1', '1.5', 'Fri, 27 Nov 2026 18:00:00 GMT', '99999999'])
      expect(retryAfterHeaderMs(bad)).toBeUndefined();
  });

  it('fails with CloudUnreachableError naming the URL when the cloud does not trust the CA', async () => {
    const other = await createTestCa();
    writeFileSync(join(dir, 'ca.crt'), other.certPem);
    const err = await webSocketDialer(options)(new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudUnreachableError);
    expect((err as Error).message).toContain(options.url);
  });
});

/**
 * A listener whose SYNs go unanswered: a child process listens with a backlog
 * of one and never accepts; once fillers fill its accept queue the kernel drops
 * further SYNs, as a cut link does.
 */
async function unansweringListener(): Promise<{ port: number; close(): void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer();
       s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         console.log(s.address().port);
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  const fillers = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  return {
    port,
    close() {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    },
  };
}

describe('proxyFor', () => {
  const url = 'wss://cloud.example.com:10000/v1/connect';
  it('prefers the configured proxy', () => {
    expect(proxyFor(url, 'http://p:1', { HTTPS_PROXY: 'http://env:2' })).toBe('http://p:1');
  });
  it('reads HTTPS_PROXY unless NO_PROXY matches', () => {
    expect(proxyFor(url, '', { HTTPS_PROXY: 'http://env:2' })).toBe('http://env:2');
    expect(proxyFor(url, '', { https_proxy: 'http://env:2', NO_PROXY: 'localhost,.example.com' })).toBe('');
    expect(proxyFor(url, '', { HTTPS_PROXY: 'http://env:2', NO_PROXY: 'cloud.example.com:443' })).toBe('http://env:2');
    expect(proxyFor(url, '', { HTTPS_PROXY: 'http://env:2', NO_PROXY: '*' })).toBe('');
    expect(proxyFor(url, '', {})).toBe('');
  });
});
