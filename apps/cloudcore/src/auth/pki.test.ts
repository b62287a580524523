import { X509Certificate as NodeX509, generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import type { AuthError } from '../errors';
import { CaError } from '../errors';
import { createCa, issueServerCertificate, NODE_ORGANIZATION, parseCa, signNodeCsr } from './pki';

const subtle = webcrypto.subtle;

async function makeCsr(
  cn: string,
  alg: webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' },
) {
  const keys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const signingAlgorithm = alg.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : alg;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${cn}`, keys, signingAlgorithm });
  return csr.toString('pem');
}

describe('pki', () => {
  it('creates a CA, parses it back and signs a node CSR with CN, O and clientAuth', async () => {
    const pair = await createCa();
    const ca = await parseCa(pair.certPem, pair.keyPem);
    const certPem = await signNodeCsr(ca, await makeCsr('edge-1'), 'edge-1', 3600_000);
    const cert = new NodeX509(certPem);
    expect(cert.subject).toContain('CN=edge-1');
    expect(cert.subject).toContain(`O=${NODE_ORGANIZATION}`);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2');
    // Without basicConstraints, OpenSSL still refuses it as an issuer: its key usage lacks keyCertSign.
    expect(cert.ca).toBe(false);
    expect(cert.verify(new NodeX509(pair.certPem).publicKey)).toBe(true);
    expect(Date.parse(cert.validTo) - Date.now()).toBeLessThanOrEqual(3600_000);
  });

  it('issues a server certificate with the advertised SANs', async () => {
    const ca = await parseCa(...(Object.values(await createCa()) as [string, string]));
    const server = await issueServerCertificate(ca, ['127.0.0.1', 'cloud.example.com'], 3600_000);
    const cert = new NodeX509(server.certPem);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:cloud.example.com');
    expect(cert.checkIssued(new NodeX509(ca.certPem))).toBe(true);
  });

  it('accepts a CA key in SEC1 form (as openssl writes it)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pair = await createCa();
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    await expect(parseCa(pair.certPem, sec1)).rejects.toThrow(/does not belong to the CA certificate/);
    const own = (await import('node:crypto'))
      .createPrivateKey(pair.keyPem)
      .export({ type: 'sec1', format: 'pem' }) as string;
    await expect(parseCa(pair.certPem, own)).resolves.toMatchObject({ certPem: expect.any(String) });
  });

  it('rejects bad CA material naming the field', async () => {
    const pair = await createCa();
    await expect(parseCa('garbage', pair.keyPem)).rejects.toBeInstanceOf(CaError);
    await expect(parseCa(pair.certPem, 'garbage')).rejects.toThrow(/CA key is not a PEM private key/);
    const ca = await parseCa(pair.certPem, pair.keyPem);
    const leaf = await signNodeCsr(ca, await makeCsr('n'), 'n', 1000);
    await expect(parseCa(leaf, pair.keyPem)).rejects.toThrow(/basicConstraints CA:TRUE/);
  });

  it('rejects bad CSRs with CSR_INVALID or NODE_NAME_INVALID', async () => {
    const ca = await parseCa(...(Object.values(await createCa()) as [string, string]));
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: AuthError) => `${e.code}:${e.httpStatus}`,
      );
    expect(await codeOf(signNodeCsr(ca, 'not a csr', 'n', 1000))).toBe('CSR_INVALID:400');
    expect(await codeOf(signNodeCsr(ca, await makeCsr('other'), 'n', 1000))).toBe('NODE_NAME_INVALID:400');
    const weak = await makeCsr('n', {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 1024,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    });
    expect(await codeOf(signNodeCsr(ca, weak, 'n', 1000))).toBe('CSR_INVALID:400');
    // A CSR whose signature was tampered with: flip a byte near the end (inside the signature).
    const good = new x509.Pkcs10CertificateRequest(await makeCsr('n'));
    const raw = new Uint8Array(good.rawData.slice(0));
    raw[raw.length - 3] = (raw[raw.length - 3] ?? 0) ^ 0xff;
    const tampered = x509.PemConverter.encode(raw.buffer, 'CERTIFICATE REQUEST');
    expect(await codeOf(signNodeCsr(ca, tampered, 'n', 1000))).toBe('CSR_INVALID:400');
  });
});
