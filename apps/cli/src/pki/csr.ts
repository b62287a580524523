// Node key and certificate request for `kedge join`: the key is made here
// and never leaves the node; only the CSR travels to the cloud.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { privateKeyPem } from './ca';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface NodeKeyAndCsr {
  keyPem: string;
  csrPem: string;
}

/** Generates an ECDSA P-256 key and a CSR with CN=<nodeName>, O=kedge:nodes. */
export async function createNodeCsr(nodeName: string): Promise<NodeKeyAndCsr> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [nodeName] }, { O: ['kedge:nodes'] }],
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return { keyPem: await privateKeyPem(keys.privateKey), csrPem: csr.toString('pem') };
}
