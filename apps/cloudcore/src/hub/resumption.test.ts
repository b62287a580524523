import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCa,
  issueServerCertificate,
  NODE_ORGANIZATION,
  parseCa,
  sessionTicketKeys,
  signNodeCsr,
  type CaMaterial,
} from '../auth';
import { makeCsr } from '../testing/test-edge';
import { peerIdentity, type PeerIdentity } from './identity';
import { edgeTlsOptions, SUBPROTOCOL } from './server';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A replica's TLS listener with the hub's options: fresh server certificate, ticket keys from the CA. */
async function replica(ca: CaMaterial, port: number, seen: { resumed: boolean; identity: PeerIdentity }[]) {
  const pair = await issueServerCertificate(ca, ['127.0.0.1'], 3600_000);
  const options = edgeTlsOptions({ ...pair, caPem: ca.certPem, ticketKeys: sessionTicketKeys(ca) });
  // The context a ticket is bound to must not depend on the process (Node's default hashes its argv).
  expect(options.sessionIdContext).toBe(SUBPROTOCOL);
  const server = createServer(options, (socket: TLSSocket) => {
    seen.push({ resumed: socket.isSessionReused(), identity: peerIdentity(socket) });
    socket.end('bye'); // tickets reach the client with the first data it reads
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

function dial(port: number, ca: string, cert: string, key: string, session?: Buffer): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const tickets: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port, ca, cert, key, session });
    socket.on('session', (ticket: Buffer) => tickets.push(ticket));
    socket.on('data', () => undefined);
    socket.on('error', reject);
    socket.on('close', () => resolve(tickets));
  });
}

describe('TLS session resumption', () => {
  it('resumes on another replica sharing the CA, with the node identity intact', async () => {
    const ca = await parseCa(...(Object.values(await createCa()) as [string, string]));
    const { csrPem, keyPem } = await makeCsr('edge-1');
    const certPem = await signNodeCsr(ca, csrPem, 'edge-1', 3600_000);
    const seen: { resumed: boolean; identity: PeerIdentity }[] = [];
    const first = await replica(ca, 0, seen);
    const port = (first.address() as AddressInfo).port;
    const tickets = await dial(port, ca.certPem, certPem, keyPem);
    expect(tickets.length).toBeGreaterThan(0);
    first.close();
    await replica(ca, port, seen); // "restarted": a new server certificate, the same CA
    await dial(port, ca.certPem, certPem, keyPem, tickets[0]);
    expect(seen).toEqual([
      { resumed: false, identity: { ok: true, nodeName: 'edge-1' } },
      { resumed: true, identity: { ok: true, nodeName: 'edge-1' } },
    ]);
  });

  it('derives the ticket keys from the CA key alone', async () => {
    const a = await createCa();
    const b = await createCa();
    expect(sessionTicketKeys(a)).toEqual(sessionTicketKeys({ keyPem: a.keyPem }));
    expect(sessionTicketKeys(a)).toHaveLength(48);
    expect(sessionTicketKeys(a)).not.toEqual(sessionTicketKeys(b));
  });

  it('refuses an expired certificate, which a resumed session would not re-verify', () => {
    const socket = (validTo: string) =>
      ({
        authorized: true,
        getPeerX509Certificate: () => ({ subject: `CN=edge-2\nO=${NODE_ORGANIZATION}`, validTo }),
      }) as unknown as TLSSocket;
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(peerIdentity(socket('Dec 31 23:59:59 2029 GMT'), now)).toMatchObject({
      ok: false,
      reason: 'expired_client_cert',
      message: expect.stringContaining('rejoin the node'),
    });
    expect(peerIdentity(socket('Jan  2 00:00:00 2030 GMT'), now)).toEqual({ ok: true, nodeName: 'edge-2' });
  });
});
