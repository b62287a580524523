/** Test PKI: a CA and node certificates made with @peculiar/x509, as cloudcore would issue them. */
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestCa {
  certPem: string;
  keyPem: string;
  /** Signs a certificate for `publicKey` with CN=nodeName, valid from `notBefore` for `validityMs`. */
  issue(nodeName: string, publicKey: webcrypto.CryptoKey, notBefore: Date, validityMs: number): Promise<string>;
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

export async function createTestCa(): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=kedge-test-ca',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  let serial = 2;
  return {
    certPem: ca.toString('pem'),
    keyPem: await pkcs8Pem(keys.privateKey),
    async issue(nodeName, publicKey, notBefore, validityMs) {
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (serial++).toString(16).padStart(2, '0'),
        subject: `CN=${nodeName}, O=kedge:nodes`,
        issuer: ca.subject,
        notBefore,
        notAfter: new Date(notBefore.getTime() + validityMs),
        publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: ALG,
        extensions: [
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth]),
        ],
      });
      return cert.toString('pem');
    },
  };
}

/** A node key pair and its PKCS#8 PEM, as `kedge join` writes node.key. */
export async function createNodeKey(): Promise<{ keys: webcrypto.CryptoKeyPair; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return { keys, keyPem: await pkcs8Pem(keys.privateKey) };
}

/** The public key inside a CSR, to issue a certificate for it. */
export async function csrPublicKey(csrPem: string): Promise<webcrypto.CryptoKey> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await csr.verify())) throw new Error('CSR signature does not verify');
  return (await csr.publicKey.export(ALG, ['verify'])) as webcrypto.CryptoKey;
}
