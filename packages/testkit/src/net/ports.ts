import { connect, createServer } from 'node:net';

// Ports handed to tests come from below Linux's ephemeral range (32768-60999 by default):
// an outgoing connection made by any process can take an ephemeral port between our probe
// and the server's listen, which made derived ports (base + i) flaky.
const LOW = 20_000;
const HIGH = 32_768;

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive ports that were all free on `host` a moment ago, below
 * the ephemeral range. Another process may still take one; rejects after 100 tries.
 */
export async function freePortBlock(count: number, host = '127.0.0.1'): Promise<number> {
  if (!Number.isInteger(count) || count < 1 || count > 1_000)
    throw new RangeError(`port block size ${count} not in 1..1000`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = LOW + Math.floor(Math.random() * (HIGH - LOW - count));
    let free = true;
    for (let i = 0; i < count && free; i++) free = await bindable(base + i, host);
    if (free) return base;
  }
  throw new Error(`no block of ${count} free ports on ${host} in ${LOW}..${HIGH - 1}`);
}

/** A port that was free on `host` a moment ago, below the ephemeral range; another process may still take it. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return freePortBlock(1, host);
}

/** Whether a TCP connection to host:port opens within `timeoutMs` (default 1_000); never throws. */
export function canConnect(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
