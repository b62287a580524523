/** The node behind a TLS connection: its client certificate's CN, never anything it sends. */
import type { TLSSocket } from 'node:tls';
import { validateNodeName } from '@kedge/protocol';
import { NODE_ORGANIZATION } from '../auth/pki';

export type PeerIdentity = { ok: true; nodeName: string } | { ok: false; reason: string; message: string };

export function peerIdentity(socket: TLSSocket, now = Date.now()): PeerIdentity {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) {
    return {
      ok: false,
      reason: 'no_client_cert',
      message: 'a client certificate is required; join the node with `kedge join` first',
    };
  }
  if (!socket.authorized) {
    return {
      ok: false,
      reason: 'untrusted_client_cert',
      message: `client certificate refused: ${String(socket.authorizationError)}; rejoin the node`,
    };
  }
  // A resumed TLS session skips verification: expiry is checked here for every connection.
  const expiresAt = Date.parse(cert.valid_to);
  if (!(expiresAt > now)) {
    return {
      ok: false,
      reason: 'expired_client_cert',
      message: `client certificate expired at ${cert.valid_to}; rejoin the node`,
    };
  }
  const org = cert.subject.O;
  const orgs = Array.isArray(org) ? org : [org];
  if (!orgs.includes(NODE_ORGANIZATION)) {
    return {
      ok: false,
      reason: 'not_a_node_cert',
      message: `client certificate is not a node certificate (O=${NODE_ORGANIZATION} missing)`,
    };
  }
  const cn = cert.subject.CN;
  const nodeName = Array.isArray(cn) ? '' : (cn ?? '');
  const bad = validateNodeName(nodeName);
  if (bad) return { ok: false, reason: 'bad_node_name', message: `client certificate CN: ${bad.message}` };
  return { ok: true, nodeName };
}
