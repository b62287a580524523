/**
 * A small TCP round-robin balancer: several cloudcore replicas behind one
 * address, as a cloud load balancer would put them. TLS passes through
 * untouched (the edge's client certificate reaches the replica). A target
 * that refuses is skipped for that connection; when either side closes,
 * so does the other, like a replica that died under its connections.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { TcpBalancerError } from './errors';

export interface BalancerTarget {
  readonly host: string;
  readonly port: number;
}

export interface TcpBalancerOptions {
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** 0 picks a free port. Default 0. */
  listenPort?: number;
  targets: readonly BalancerTarget[];
  /** Connect timeout per target, ms. Default 3,000. */
  connectTimeoutMs?: number;
}

export interface TcpBalancer {
  readonly host: string;
  readonly port: number;
  /** Open client connections. */
  readonly connections: number;
  /** Connections forwarded so far, per target index. */
  readonly forwarded: readonly number[];
  /** Replaces the targets; open connections stay where they are. */
  setTargets(targets: readonly BalancerTarget[]): void;
  close(): Promise<void>;
}

function validTargets(targets: readonly BalancerTarget[]): BalancerTarget[] {
  if (targets.length === 0) throw new TcpBalancerError('a balancer needs at least one target', {});
  for (const t of targets) {
    if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535)
      throw new TcpBalancerError(`target port must be 1..65535, got ${t.port}`, { target: t });
  }
  return [...targets];
}

export async function startTcpBalancer(options: TcpBalancerOptions): Promise<TcpBalancer> {
  let targets = validTargets(options.targets);
  let forwarded = targets.map(() => 0);
  const connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
  const open = new Set<Socket>();
  let next = 0;

  const dial = (client: Socket, attemptsLeft: number): void => {
    const index = next++ % targets.length;
    const target = targets[index] as BalancerTarget;
    const upstream = connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), connectTimeoutMs);
    upstream.once('connect', () => {
      clearTimeout(timer);
      forwarded[index] = (forwarded[index] ?? 0) + 1;
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('error', () => {
      clearTimeout(timer);
      upstream.destroy();
      if (client.destroyed) return;
      if (attemptsLeft > 1) dial(client, attemptsLeft - 1);
      else client.destroy();
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.setNoDelay(true);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    dial(client, targets.length);
  });
  const host = options.listenHost ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new TcpBalancerError(`cannot listen on ${host}:${options.listenPort ?? 0}: ${err.message}`, {}, { cause: err }),
      ),
    );
    server.listen(options.listenPort ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    get connections() {
      return open.size;
    },
    get forwarded() {
      return forwarded;
    },
    setTargets(list) {
      targets = validTargets(list);
      forwarded = targets.map(() => 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
