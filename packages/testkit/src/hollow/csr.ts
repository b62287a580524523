/**
 * PKCS#10 certificate requests built with node:crypto alone. Hollow nodes
 * share one ECDSA P-256 key per process (generating 10,000 keys would cost
 * more than the test it serves); each node still gets its own CSR with its
 * own CN, so the cloud issues a distinct certificate per node.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface NodeKey {
  readonly privateKey: KeyObject;
  /** PKCS#8 PEM, what edgecore keeps in node.key. */
  readonly keyPem: string;
  /** DER SubjectPublicKeyInfo, copied into every CSR. */
  readonly spkiDer: Buffer;
}

export function generateNodeKey(): NodeKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    spkiDer: publicKey.export({ type: 'spki', format: 'der' }),
  };
}

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OID_COMMON_NAME = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);
const OID_ECDSA_SHA256 = Buffer.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
const VERSION_0 = Buffer.from([0x02, 0x01, 0x00]);
const NO_ATTRIBUTES = Buffer.from([0xa0, 0x00]);

/** A PEM CSR with subject CN=`commonName`, signed with ECDSA-SHA256 by `key`. */
export function buildCsr(key: NodeKey, commonName: string): string {
  const cn = der(0x0c, Buffer.from(commonName, 'utf8'));
  const subject = der(SEQUENCE, der(SET, der(SEQUENCE, Buffer.concat([OID_COMMON_NAME, cn]))));
  const info = der(SEQUENCE, Buffer.concat([VERSION_0, subject, key.spkiDer, NO_ATTRIBUTES]));
  const signature = sign('sha256', info, key.privateKey); // DER ECDSA-Sig-Value
  const csr = der(
    SEQUENCE,
    Buffer.concat([info, der(SEQUENCE, OID_ECDSA_SHA256), der(0x03, Buffer.concat([Buffer.from([0]), signature]))]),
  );
  const lines = csr.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}
