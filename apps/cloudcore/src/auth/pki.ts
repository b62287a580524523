/**
 * Certificates with @peculiar/x509 over Node's WebCrypto: the Kedge CA,
 * the server certificate of the edge channel, node certificates from CSRs.
 */
import { createPrivateKey, createPublicKey, hkdfSync, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { AuthError, CaError, errorMessage } from '../errors';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const subtle = webcrypto.subtle;

/** Organisation of every node certificate; the hub accepts only client certs carrying it. */
export const NODE_ORGANIZATION = 'kedge:nodes';
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface CaMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  readonly cert: x509.X509Certificate;
  readonly key: webcrypto.CryptoKey;
  readonly signingAlgorithm: webcrypto.Algorithm | webcrypto.EcdsaParams;
}

export interface IssuedPair {
  readonly certPem: string;
  readonly keyPem: string;
}

const randomSerial = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return bytes.toString('hex');
};

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A new self-signed CA (ECDSA P-256), valid `validityYears`. */
export async function createCa(commonName = 'kedge-ca', validityYears = 10): Promise<IssuedPair> {
  const keys = (await subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [commonName] }, { O: ['kedge'] }],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validityYears * 365 * 24 * 3600_000),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

/** Parses CA PEMs (key in PKCS#8 or SEC1/PKCS#1); throws CaError saying what is wrong. */
export async function parseCa(certPem: string, keyPem: string): Promise<CaMaterial> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certPem);
  } catch (err) {
    throw new CaError(
      `CA certificate is not a PEM certificate: ${errorMessage(err)}`,
      { field: 'tls.crt' },
      { cause: err },
    );
  }
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  if (!basic?.ca)
    throw new CaError('CA certificate lacks basicConstraints CA:TRUE; replace Secret kedge-ca with a CA certificate', {
      field: 'tls.crt',
    });
  let keyObject;
  try {
    keyObject = createPrivateKey(keyPem);
  } catch (err) {
    throw new CaError(`CA key is not a PEM private key: ${errorMessage(err)}`, { field: 'tls.key' }, { cause: err });
  }
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  let importAlg: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  let signingAlgorithm: webcrypto.Algorithm | webcrypto.EcdsaParams;
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
    if (!namedCurve) throw new CaError(`CA key uses curve ${curve}; use P-256 or P-384`, { field: 'tls.key' });
    importAlg = { name: 'ECDSA', namedCurve };
    signingAlgorithm = { name: 'ECDSA', hash: namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384' } as webcrypto.EcdsaParams;
  } else if (keyObject.asymmetricKeyType === 'rsa') {
    importAlg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    signingAlgorithm = importAlg;
  } else {
    throw new CaError(`CA key type ${keyObject.asymmetricKeyType} is not supported; use ECDSA P-256 or RSA`, {
      field: 'tls.key',
    });
  }
  const key = await subtle.importKey('pkcs8', der, importAlg, false, ['sign']);
  const keySpki = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  if (!keySpki.equals(Buffer.from(cert.publicKey.rawData))) {
    throw new CaError('CA key does not belong to the CA certificate; put the matching pair in Secret kedge-ca', {
      field: 'tls.key',
    });
  }
  return { certPem: cert.toString('pem'), keyPem, cert, key, signingAlgorithm };
}

export interface IssueOptions {
  readonly commonName: string;
  readonly organization?: string;
  readonly usage: 'client' | 'server';
  /** IPs and DNS names (server certificates). */
  readonly altNames?: readonly string[];
  readonly validityMs: number;
}

/** Signs `publicKey` with the CA. */
export async function issueCertificate(
  ca: CaMaterial,
  publicKey: x509.PublicKey | webcrypto.CryptoKey,
  options: IssueOptions,
): Promise<x509.X509Certificate> {
  const now = Date.now();
  // No basicConstraints: it is optional in end-entity certificates, and a key usage without
  // keyCertSign already keeps them from signing others. Every byte here rides in each TLS
  // session ticket, so in every resumed reconnect of every node.
  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([
      options.usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth,
    ]),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
  ];
  if (options.altNames?.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        options.altNames.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
      ),
    );
  }
  const subject: x509.JsonName = [{ CN: [options.commonName] }];
  if (options.organization) subject.push({ O: [options.organization] });
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: ca.cert.subjectName,
    notBefore: new Date(now - 60_000), // tolerate small clock skew between cloud and edge
    notAfter: new Date(now + options.validityMs),
    signingAlgorithm: ca.signingAlgorithm,
    publicKey,
    signingKey: ca.key,
    extensions,
  });
}

/** A fresh key and a server certificate for the edge channel, SANs = advertise addresses. */
export async function issueServerCertificate(
  ca: CaMaterial,
  altNames: readonly string[],
  validityMs: number,
): Promise<IssuedPair> {
  const keys = (await subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await issueCertificate(ca, keys.publicKey, {
    commonName: 'kedge-cloudcore',
    usage: 'server',
    altNames,
    validityMs,
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

/**
 * Verifies a node's CSR (PEM, self-signature, key type, CN) and signs a
 * client certificate CN=nodeName, O=kedge:nodes. Throws AuthError CSR_INVALID
 * or NODE_NAME_INVALID (400).
 */
export async function signNodeCsr(
  ca: CaMaterial,
  csrPem: string,
  nodeName: string,
  validityMs: number,
): Promise<string> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (err) {
    throw new AuthError(
      'CSR_INVALID',
      400,
      `csrPem is not a PKCS#10 certificate request: ${errorMessage(err)}`,
      {},
      { cause: err },
    );
  }
  if (!(await csr.verify().catch(() => false))) {
    throw new AuthError('CSR_INVALID', 400, 'CSR signature does not verify; generate the CSR with the node key');
  }
  const alg = csr.publicKey.algorithm as webcrypto.EcKeyAlgorithm | webcrypto.RsaHashedKeyAlgorithm;
  const ecOk = alg.name === 'ECDSA' && ['P-256', 'P-384'].includes((alg as webcrypto.EcKeyAlgorithm).namedCurve);
  const rsaOk = alg.name.startsWith('RSA') && (alg as webcrypto.RsaHashedKeyAlgorithm).modulusLength >= 2048;
  if (!ecOk && !rsaOk) {
    throw new AuthError(
      'CSR_INVALID',
      400,
      `CSR key ${alg.name} is not allowed; use ECDSA P-256 (or P-384, RSA >= 2048)`,
    );
  }
  const cn = csr.subjectName.getField('CN');
  if (cn.length !== 1 || cn[0] !== nodeName) {
    throw new AuthError(
      'NODE_NAME_INVALID',
      400,
      `CSR subject CN ${JSON.stringify(cn.join(','))} must equal the node name "${nodeName}"`,
      { nodeName },
    );
  }
  const cert = await issueCertificate(ca, csr.publicKey, {
    commonName: nodeName,
    organization: NODE_ORGANIZATION,
    usage: 'client',
    validityMs,
  });
  return cert.toString('pem');
}

/**
 * Session ticket keys derived from the CA key: every replica sharing the CA
 * (the kedge-ca Secret) can resume a session another one started, also after
 * a restart, so a reconnect storm skips certificate verification. Rotating
 * the CA rotates them.
 */
export function sessionTicketKeys(ca: Pick<CaMaterial, 'keyPem'>): Buffer {
  return Buffer.from(hkdfSync('sha256', ca.keyPem, 'kedge', 'tls session ticket keys v1', 48));
}
