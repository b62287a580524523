// Test support: a real HTTPS server on 127.0.0.1 with a certificate signed by
// a fresh Kedge-style CA, for exercising the join client's failure paths.
import { webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as x509 from '@peculiar/x509';
import { createCa, privateKeyPem, type CaMaterial } from '../pki/ca';

export interface TlsTestServer {
  port: number;
  ca: CaMaterial;
  close(): Promise<void>;
}

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function serverCert(ca: CaMaterial): Promise<{ certPem: string; keyPem: string }> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.keyPem), alg, false, [
    'sign',
  ]);
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01',
    subject: 'CN=cloudcore',
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

/** Starts the server; `handler` answers every request. */
export async function startTlsServer(
  handler: (req: IncomingMessage, res: ServerResponse, ca: CaMaterial) => void,
): Promise<TlsTestServer> {
  const ca = await createCa({ commonName: 'test-ca' });
  const { certPem, keyPem } = await serverCert(ca);
  const server: Server = createServer({ cert: certPem, key: keyPem }, (req, res) => handler(req, res, ca));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    ca,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Serves /ca.crt with the server's CA, and `join` for the join path. */
export function cloudHandler(join: (body: string, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse, ca: CaMaterial): void => {
    if (req.method === 'GET' && req.url === '/ca.crt') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(ca.certPem);
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => join(body, res));
  };
}

/** Signs a CSR with the test CA as a node client certificate (what cloudcore does at join). */
export async function signNodeCsr(ca: CaMaterial, csrPem: string): Promise<string> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.keyPem), alg, false, [
    'sign',
  ]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: csr.subject,
    issuer: new x509.X509Certificate(ca.certPem).subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: await csr.publicKey.export(alg, ['verify']),
    signingKey: caKey,
    signingAlgorithm: alg,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  return cert.toString('pem');
}
