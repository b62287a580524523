/**
 * CPU of one TLS handshake on each side, as an edge reconnect pays it: P-256
 * certificates from one CA, TLS 1.3, a client certificate, session tickets.
 * Client and server run in separate processes over loopback, one handshake
 * at a time, so each side's CPU time is its own.
 *
 *   npx tsx bench/tls
 *
 * It then holds 2,000 resumed connections open and reports the server's
 * RSS per idle connection.
 *
 * Prints one JSON line. Bounded: 1,000 resumed and 500 full handshakes,
 * 2,000 held connections.
 * Needs the `openssl` command to make the certificates.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, createSecureContext, createServer, type SecureContext, type TLSSocket } from 'node:tls';

const RESUMED = 1000;
const FULL = 500;
const SOCKETS = 2000;
const HELD = 2000;

type Files = Record<'ca' | 'serverKey' | 'serverCert' | 'clientKey' | 'clientCert', string>;

/** A CA and a server and a client certificate it signed, all P-256, as cloudcore issues them. */
function makeCertificates(dir: string): Files {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=bench-ca', '-days', '2', '-out', 'ca.crt');
    for (const [name, subject] of [
      ['server', '/CN=localhost'],
      ['client', '/O=kedge:nodes/CN=edge-1'],
    ] as const) {
      openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
      openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-out',
        `${name}.crt`,
      );
    }
  } catch (err) {
    throw new Error(`bench/tls needs the openssl command to make test certificates: ${(err as Error).message}`);
  }
  const at = (f: string) => join(dir, f);
  return {
    ca: at('ca.crt'),
    serverKey: at('server.key'),
    serverCert: at('server.crt'),
    clientKey: at('client.key'),
    clientCert: at('client.crt'),
  };
}

/** The server side: cloudcore's edge listener options; reports its CPU time when asked. */
function serve(files: Files): void {
  const server = createServer(
    {
      key: readFileSync(files.serverKey),
      cert: readFileSync(files.serverCert),
      ca: [readFileSync(files.ca)],
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      ticketKeys: Buffer.alloc(48, 7),
      sessionTimeout: 24 * 3600,
      sessionIdContext: 'kedge.v1',
    },
    (socket) => {
      socket.resume();
      socket.on('end', () => socket.end());
      socket.on('error', () => socket.destroy());
    },
  );
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port }));
  process.on('message', (question) => {
    if (question === 'rss') {
      (globalThis as { gc?: () => void }).gc?.();
      return server.getConnections((_err, open) => process.send?.({ rss: process.memoryUsage().rss, open }));
    }
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMs: (user + system) / 1000 });
  });
}

function ask<T>(child: ChildProcess, question = 'cpu'): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(question);
  });
}

/** Opens a resumed connection and keeps it; resolves once the handshake is done. */
function hold(port: number, context: SecureContext, session: Buffer | undefined, held: TLSSocket[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, secureContext: context, session, servername: 'localhost' });
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
    held.push(socket);
  });
}

/** One handshake, closed as soon as it is done; resolves whether the session was resumed. */
function handshake(
  port: number,
  context: SecureContext,
  session: Buffer | undefined,
  keep: (s: Buffer) => void,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let resumed = false;
    const socket = connect({
      host: '127.0.0.1',
      port,
      secureContext: context,
      session,
      servername: 'localhost',
      minVersion: 'TLSv1.3',
    });
    // TLS 1.3 tickets arrive after the handshake: a full handshake waits for one.
    socket.on('session', (ticket: Buffer) => {
      keep(ticket);
      socket.end();
    });
    socket.on('secureConnect', () => {
      resumed = socket.isSessionReused();
      if (!socket.authorized) reject(new Error(`server certificate refused: ${String(socket.authorizationError)}`));
      if (resumed) socket.end();
    });
    socket.on('close', () => resolve(resumed));
    socket.on('error', reject);
    socket.resume();
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-bench-tls-'));
  const child = fork(fileURLToPath(import.meta.url), ['server', dir], {
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  try {
    const files = makeCertificates(dir);
    child.send({ files });
    const { port } = await new Promise<{ port: number }>((resolve) =>
      child.once('message', (m) => resolve(m as { port: number })),
    );
    const context = createSecureContext({
      ca: [readFileSync(files.ca)],
      cert: readFileSync(files.clientCert),
      key: readFileSync(files.clientKey),
      ecdhCurve: 'X25519:prime256v1',
    });
    let ticket: Buffer | undefined;
    const keep = (s: Buffer) => (ticket ??= s);
    for (let i = 0; i < 50; i++) await handshake(port, context, undefined, () => undefined); // warm-up
    await handshake(port, context, undefined, keep);
    const phase = async (count: number, session: () => Buffer | undefined) => {
      const server0 = (await ask<{ cpuMs: number }>(child)).cpuMs;
      const client0 = process.cpuUsage();
      let resumed = 0;
      for (let i = 0; i < count; i++) if (await handshake(port, context, session(), () => undefined)) resumed++;
      const client = process.cpuUsage(client0);
      const server = (await ask<{ cpuMs: number }>(child)).cpuMs - server0;
      return {
        resumed,
        clientMs: round((client.user + client.system) / 1000 / count),
        serverMs: round(server / count),
      };
    };
    const resumed = await phase(RESUMED, () => ticket);
    const full = await phase(FULL, () => undefined);
    // The synchronous part of making a client socket, with and without a ticket to decode.
    const socketMs = (session: Buffer | undefined) => {
      const start = process.cpuUsage();
      for (let i = 0; i < SOCKETS; i++) {
        const s = connect({ host: '127.0.0.1', port: 9, secureContext: context, session, servername: 'localhost' });
        s.on('error', () => undefined);
        s.destroy();
      }
      const used = process.cpuUsage(start);
      return round((used.user + used.system) / 1000 / SOCKETS);
    };
    // RSS per idle connection on the server: what each connected node costs before any WebSocket or session state.
    const before = await ask<{ rss: number; open: number }>(child, 'rss');
    const held: TLSSocket[] = [];
    for (let i = 0; i < HELD; i++) await hold(port, context, ticket, held);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await ask<{ rss: number; open: number }>(child, 'rss');
    for (const socket of held) socket.destroy();
    const serverRssPerIdleConnectionKB = round((after.rss - before.rss) / (after.open - before.open) / 1024);
    console.log(
      JSON.stringify({
        bench: 'tls',
        node: process.version,
        openssl: process.versions.openssl,
        cpus: cpus().length,
        loadavg1: round(loadavg()[0] ?? 0),
        resumedHandshake: resumed,
        fullHandshake: full,
        clientSocketMs: { withTicket: socketMs(ticket), withoutTicket: socketMs(undefined) },
        ticketBytes: ticket?.length,
        serverRssPerIdleConnectionKB,
      }),
    );
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

if (process.argv[2] === 'server') process.once('message', (m) => serve((m as { files: Files }).files));
else await main();
