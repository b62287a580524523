// The Kedge CA as the CLI creates it (`kedge init`) and reads it (token
// create, status): an ECDSA P-256 self-signed certificate kept in the
// kubernetes.io/tls Secret kedge-system/kedge-ca (tls.crt, tls.key, PEM).
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

export interface CreateCaOptions {
  /** Subject common name; default "kedge-ca". */
  commonName?: string;
  /** Validity in days from now; default 3650 (10 years). */
  validityDays?: number;
}

/** Exports a private key as PKCS#8 PEM ("PRIVATE KEY"). */
export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** Creates a new self-signed CA able to sign node and server certificates. */
export async function createCa(options: CreateCaOptions = {}): Promise<CaMaterial> {
  const commonName = options.commonName ?? 'kedge-ca';
  const validityDays = options.validityDays ?? 3650;
  const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 5 * 60_000); // tolerate small clock skew between hosts
  const notAfter = new Date(Date.now() + validityDays * 86_400_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: webcrypto
      .getRandomValues(new Uint8Array(16))
      .reduce((s, b) => s + b.toString(16).padStart(2, '0'), '7'),
    name: `CN=${commonName}, O=kedge`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}
