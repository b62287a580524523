// Tries to open cloudcore's edge WebSocket (wss …/v1/connect, subprotocol
// kedge.v1) with a given client certificate, or none, and says how it ended:
// upgraded, refused over HTTP (status), or refused in TLS (error code).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { sh } from './fleet';

export type ConnectOutcome =
  | { kind: 'upgraded' }
  | { kind: 'http-refused'; status: number }
  | { kind: 'tls-refused'; code: string; message: string };

export function tryConnect(options: {
  port: number;
  ca: string;
  cert?: string;
  key?: string;
}): Promise<ConnectOutcome> {
  return new Promise((resolvePromise) => {
    const req = request({
      host: '127.0.0.1',
      port: options.port,
      path: '/v1/connect',
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      servername: 'localhost',
      timeout: 15_000,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': 'kedge.v1',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolvePromise({ kind: 'upgraded' });
    });
    req.on('response', (res) => {
      res.resume();
      resolvePromise({ kind: 'http-refused', status: res.statusCode ?? 0 });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer in 15 s'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolvePromise({ kind: 'tls-refused', code: err.code ?? 'UNKNOWN', message: err.message }),
    );
    req.end();
  });
}

/** A CA of its own and a client certificate it signed, CN = `commonName`, O = kedge:nodes (openssl). */
export async function foreignClientCert(dir: string, commonName: string): Promise<{ cert: string; key: string }> {
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await sh('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '1',
    '-subj',
    '/CN=not-kedge-ca',
  ]);
  await sh('openssl', [
    'req',
    ...ec,
    '-keyout',
    f('node.key'),
    '-out',
    f('node.csr'),
    '-subj',
    `/O=kedge:nodes/CN=${commonName}`,
  ]);
  await sh('openssl', [
    ...['x509', '-req', '-in', f('node.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial'],
    ...['-out', f('node.crt'), '-days', '1'],
  ]);
  return { cert: await readFile(f('node.crt'), 'utf8'), key: await readFile(f('node.key'), 'utf8') };
}
