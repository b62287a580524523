import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DelayRelayError } from '../errors';
import { waitFor } from '../proc/wait-for';
import { startDelayRelay, type DelayRelay } from './delay-relay';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(onSocket: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

async function relayTo(
  targetPort: number,
  delayMs: number,
  extra: { jitterMs?: number; maxQueuedBytes?: number } = {},
) {
  const relay: DelayRelay = await startDelayRelay({
    listenPort: 0,
    targetHost: '127.0.0.1',
    targetPort,
    delayMs,
    ...extra,
  });
  cleanups.push(() => relay.close());
  return relay;
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(async () => void socket.destroy());
  });
}

const echo = (socket: Socket) => socket.pipe(socket);
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('startDelayRelay', () => {
  it('adds the delay in each direction of a round trip', async () => {
    const relay = await relayTo(await listen(echo), 100);
    const socket = await dial(relay.port);
    for (let round = 0; round < 3; round += 1) {
      const started = performance.now();
      const answered = new Promise((resolve) => socket.once('data', resolve));
      socket.write(`ping ${round}`);
      await answered;
      // Timers may fire a fraction of a millisecond early against performance.now().
      expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 100 - 2);
    }
    expect(relay.connections).toBe(1);
  });

  it('keeps byte order of 1 MiB of random data under jitter and forwards the end', async () => {
    const relay = await relayTo(await listen(echo), 5, { jitterMs: 20 });
    const socket = await dial(relay.port);
    const payload = randomBytes(1024 * 1024);
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise((resolve) => socket.once('end', resolve));
    for (let offset = 0; offset < payload.length; offset += 16 * 1024)
      socket.write(payload.subarray(offset, offset + 16 * 1024));
    socket.end();
    await ended;
    expect(sha(Buffer.concat(chunks))).toBe(sha(payload));
    expect(relay.bytesForwarded).toBe(2 * payload.length);
    await waitFor(() => relay.connections === 0, {
      description: 'the relayed connection to close',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
  });

  it('pushes back on the sender instead of queueing without bound', async () => {
    const maxQueuedBytes = 64 * 1024;
    const relay = await relayTo(await listen((socket) => socket.pause()), 1, { maxQueuedBytes });
    const socket = await dial(relay.port);
    const chunk = Buffer.alloc(64 * 1024);
    const total = 48 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += chunk.length) socket.write(chunk);
    let last = -1;
    await waitFor(
      () => {
        const settled = relay.bytesForwarded === last;
        last = relay.bytesForwarded;
        return settled;
      },
      {
        description: 'the relay to stop forwarding to a reader that does not read',
        timeoutMs: 10_000,
        intervalMs: 300,
      },
    );
    expect(relay.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes + chunk.length);
    expect(relay.bytesForwarded).toBeLessThan(total);
    expect(socket.writableLength).toBeGreaterThan(0);
  });

  it('closes the client when the target refuses', async () => {
    const closedPort = await listen(() => {});
    await cleanups.pop()?.();
    const relay = await relayTo(closedPort, 1);
    const socket = await dial(relay.port);
    await new Promise((resolve) => socket.once('close', resolve));
  });

  it('rejects bad options naming the field', async () => {
    await expect(startDelayRelay({ targetHost: '127.0.0.1', targetPort: 0, delayMs: 1 })).rejects.toThrow(
      /targetPort 0 is invalid: use an integer 1..65535/,
    );
    await expect(startDelayRelay({ targetHost: '127.0.0.1', targetPort: 80, delayMs: -1 })).rejects.toBeInstanceOf(
      DelayRelayError,
    );
    await expect(
      startDelayRelay({ listenHost: 'localhost', targetHost: 'x', targetPort: 80, delayMs: 1 }),
    ).rejects.toThrow(/listenHost "localhost" is invalid: use an IP address/);
    const taken = await relayTo(1, 1);
    await expect(
      startDelayRelay({ listenPort: taken.port, targetHost: 'x', targetPort: 80, delayMs: 1 }),
    ).rejects.toThrow(/cannot listen on 127.0.0.1:\d+: .*EADDRINUSE/);
  });
});
