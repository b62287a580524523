import { connect, createServer, isIP, type Socket } from 'node:net';
import { DelayRelayError } from '../errors';
import { delayedPipe, type DelayedPipe } from './delayed-pipe';

export interface DelayRelayOptions {
  /** Address to listen on. Default 127.0.0.1 (use an EdgeNetwork's hostAddress to serve a namespace). */
  listenHost?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  listenPort?: number;
  targetHost: string;
  targetPort: number;
  /** One-way delay added in each direction, in ms; a round trip gains 2 × delayMs. */
  delayMs: number;
  /** Extra random delay per chunk, 0..jitterMs, in ms; order is kept. Default 0. */
  jitterMs?: number;
  /** Queued bytes per direction and connection above which the sender is paused. Default 262_144. */
  maxQueuedBytes?: number;
}

export interface DelayRelay {
  /** The port it listens on. */
  readonly port: number;
  /** Bytes delivered so far, both directions, all connections. */
  readonly bytesForwarded: number;
  /** Bytes held in queues right now. */
  readonly queuedBytes: number;
  /** Connections open right now. */
  readonly connections: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

function withDefaults(options: DelayRelayOptions) {
  const o = {
    ...options,
    listenHost: options.listenHost ?? '127.0.0.1',
    listenPort: options.listenPort ?? 0,
    jitterMs: options.jitterMs ?? 0,
    maxQueuedBytes: options.maxQueuedBytes ?? 262_144,
  };
  const bad = (field: string, value: unknown, fix: string) =>
    new DelayRelayError(`delay relay: ${field} ${JSON.stringify(value)} is invalid: ${fix}`, { field, value });
  if (!isIP(o.listenHost)) throw bad('listenHost', o.listenHost, 'use an IP address');
  if (!o.targetHost) throw bad('targetHost', o.targetHost, 'name the host to relay to');
  for (const [field, value, min] of [
    ['listenPort', o.listenPort, 0],
    ['targetPort', o.targetPort, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min || value > 65_535)
      throw bad(field, value, `use an integer ${min}..65535`);
  }
  for (const [field, value] of [
    ['delayMs', o.delayMs],
    ['jitterMs', o.jitterMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) throw bad(field, value, 'use a number of milliseconds >= 0');
  }
  if (!Number.isInteger(o.maxQueuedBytes) || o.maxQueuedBytes < 1024) {
    throw bad('maxQueuedBytes', o.maxQueuedBytes, 'use an integer >= 1024');
  }
  return o;
}

/**
 * A TCP relay that delays every chunk in both directions (this kernel has no
 * netem). Half-closes are forwarded after the delayed data; an error or reset
 * on either side drops both.
 */
export async function startDelayRelay(options: DelayRelayOptions): Promise<DelayRelay> {
  const o = withDefaults(options);
  const sockets = new Set<Socket>();
  const pipes = new Set<DelayedPipe>();
  let finishedBytes = 0;
  let connections = 0;

  const server = createServer({ allowHalfOpen: true }, (client) => {
    connections += 1;
    const target = connect({ host: o.targetHost, port: o.targetPort, allowHalfOpen: true });
    const pipeOptions = { delayMs: o.delayMs, jitterMs: o.jitterMs, maxQueuedBytes: o.maxQueuedBytes };
    const up = delayedPipe(client, target, pipeOptions);
    const down = delayedPipe(target, client, pipeOptions);
    let closed = 0;
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        target.destroy();
      });
      socket.on('close', () => {
        sockets.delete(socket);
        if (++closed < 2) return;
        connections -= 1;
        for (const pipe of [up, down]) {
          finishedBytes += pipe.forwardedBytes;
          pipe.stop();
          pipes.delete(pipe);
        }
      });
    }
    pipes.add(up).add(down);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new DelayRelayError(
          `delay relay: cannot listen on ${o.listenHost}:${o.listenPort}: ${error.message}`,
          { listenHost: o.listenHost, listenPort: o.listenPort },
          { cause: error },
        ),
      ),
    );
    server.listen(o.listenPort, o.listenHost, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.listenPort;

  return {
    port,
    get bytesForwarded() {
      let total = finishedBytes;
      for (const pipe of pipes) total += pipe.forwardedBytes;
      return total;
    },
    get queuedBytes() {
      let total = 0;
      for (const pipe of pipes) total += pipe.queuedBytes;
      return total;
    },
    get connections() {
      return connections;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
