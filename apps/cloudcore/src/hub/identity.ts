/** The node behind a TLS connection: its client certificate's CN, never anything it sends. */
import type { TLSSocket } from 'node:tls';
import { validateNodeName } from '@kedge/protocol';
import { NODE_ORGANIZATION } from '../auth/pki';

export type PeerIdentity = { ok: true; nodeName: string } | { ok: false; reason: string; message: string };

/**
 * A certificate subject's attributes, each with all its values.
 * X509Certificate.subject has one `name=value` per line, with newlines and
 * other special characters in values escaped, so the first `=` ends the name.
 */
function subjectAttributes(subject: string): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const line of subject.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const name = line.slice(0, at);
    attributes.set(name, [...(attributes.get(name) ?? []), line.slice(at + 1)]);
  }
  return attributes;
}

/**
 * The certificate is read as an X509Certificate, whose fields are decoded
 * on demand: getPeerCertificate() builds every field and three fingerprints,
 * about six times the CPU, once per connection of a reconnect storm.
 */
export function peerIdentity(socket: TLSSocket, now = Date.now()): PeerIdentity {
  const cert = socket.getPeerX509Certificate();
  if (!cert) {
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
  const expiresAt = Date.parse(cert.validTo);
  if (!(expiresAt > now)) {
    return {
      ok: false,
      reason: 'expired_client_cert',
      message: `client certificate expired at ${cert.validTo}; rejoin the node`,
    };
  }
  const subject = subjectAttributes(cert.subject);
  if (!subject.get('O')?.includes(NODE_ORGANIZATION)) {
    return {
      ok: false,
      reason: 'not_a_node_cert',
      message: `client certificate is not a node certificate (O=${NODE_ORGANIZATION} missing)`,
    };
  }
  const cn = subject.get('CN') ?? [];
  const nodeName = cn.length === 1 ? cn[0]! : '';
  const bad = validateNodeName(nodeName);
  if (bad) return { ok: false, reason: 'bad_node_name', message: `client certificate CN: ${bad.message}` };
  return { ok: true, nodeName };
}
