import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { NODE_ORGANIZATION } from '../auth/pki';
import { peerIdentity } from './identity';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const VALID = 'Jan  1 00:00:00 2031 GMT';

/** A TLS socket whose peer certificate has this subject (X509Certificate.subject format). */
function peer(subject: string | undefined, authorized = true): TLSSocket {
  return {
    authorized,
    authorizationError: authorized ? null : 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    getPeerX509Certificate: () => (subject === undefined ? undefined : { subject, validTo: VALID }),
  } as unknown as TLSSocket;
}

describe('peerIdentity', () => {
  it('names the node from the CN of a trusted node certificate', () => {
    expect(peerIdentity(peer(`CN=edge-7\nO=${NODE_ORGANIZATION}`), NOW)).toEqual({ ok: true, nodeName: 'edge-7' });
    expect(peerIdentity(peer(`O=other\nO=${NODE_ORGANIZATION}\nCN=edge-8`), NOW)).toEqual({
      ok: true,
      nodeName: 'edge-8',
    });
  });

  it('says why a certificate is refused', () => {
    const reason = (socket: TLSSocket) => {
      const identity = peerIdentity(socket, NOW);
      return identity.ok ? 'ok' : identity.reason;
    };
    expect(reason(peer(undefined))).toBe('no_client_cert');
    expect(reason(peer(`CN=edge-7\nO=${NODE_ORGANIZATION}`, false))).toBe('untrusted_client_cert');
    expect(reason(peer('CN=edge-7\nO=someone'))).toBe('not_a_node_cert');
    expect(reason(peer('CN=edge-7'))).toBe('not_a_node_cert');
    expect(reason(peer(`O=${NODE_ORGANIZATION}`))).toBe('bad_node_name');
    expect(reason(peer(`CN=edge-7\nCN=edge-8\nO=${NODE_ORGANIZATION}`))).toBe('bad_node_name');
    // Special characters come escaped; no node name has a backslash.
    expect(reason(peer(`CN=edge\\,7\nO=${NODE_ORGANIZATION}`))).toBe('bad_node_name');
  });
});
