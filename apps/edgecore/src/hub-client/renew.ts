import { createPrivateKey, createPublicKey, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { request } from 'node:https';
import { CertRenewalError } from '../errors';
import type { Logger } from '../config';
import { proxyFor } from './proxy';

/** Renewal endpoint on cloudcore's main port (mTLS with the current certificate). */
export const RENEW_PATH = '/v1/renew';

export interface CertRenewalOptions {
  nodeName: string;
  /** The channel URL (wss://host:port/...); renewal goes to https://host:port/v1/renew. */
  url: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** HTTP CONNECT proxy; '' reads HTTPS_PROXY / NO_PROXY. */
  proxy: string;
  log: Logger;
  /** Called after the new certificate is on disk; the hub client reconnects with it. */
  onRenewed: () => void;
  /** Renew once this fraction of the validity has passed. Default 0.8. */
  renewAtFraction?: number;
  /** First wait after a failed attempt, doubled up to 1 h. Default 60,000 ms. */
  retryMs?: number;
  /** Default 30,000 ms. */
  requestTimeoutMs?: number;
}

/** When to renew: notBefore + fraction × validity, in ms since the epoch. */
export function renewalTime(certPem: string | Buffer, fraction = 0.8): number {
  const cert = new X509Certificate(certPem);
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return from + Math.floor((to - from) * fraction);
}

/**
 * Renews the node certificate before it expires, for as long as `signal`
 * lives. The key stays; only the certificate changes, in one rename, so a
 * crash at any point leaves a matching key and certificate on disk.
 */
export async function runCertRenewal(options: CertRenewalOptions, signal: AbortSignal): Promise<void> {
  const fraction = options.renewAtFraction ?? 0.8;
  let retryMs = options.retryMs ?? 60_000;
  while (!signal.aborted) {
    const dueAt = renewalTime(readFileSync(options.certFile), fraction);
    if (Date.now() < dueAt) {
      await sleep(dueAt - Date.now(), signal);
      continue;
    }
    try {
      await renewCertificate(options);
      options.log.info('node certificate renewed', { certFile: options.certFile });
      options.onRenewed();
      retryMs = options.retryMs ?? 60_000;
    } catch (error) {
      options.log.warn('certificate renewal failed; will retry', { error, retryInMs: retryMs });
      await sleep(retryMs, signal);
      retryMs = Math.min(retryMs * 2, 3_600_000);
    }
  }
}

/** One renewal: CSR with the current key, POST over mTLS, check the answer, replace the file atomically. */
export async function renewCertificate(options: CertRenewalOptions): Promise<void> {
  const key = createPrivateKey(readFileSync(options.keyFile));
  const csrPem = await createCsr(options.nodeName, key);
  const body = await post(options, JSON.stringify({ csrPem }));
  let certificatePem: unknown;
  try {
    certificatePem = (JSON.parse(body) as { certificatePem?: unknown }).certificatePem;
  } catch (cause) {
    throw new CertRenewalError(`renewal answer is not JSON: ${body.slice(0, 200)}`, { url: options.url }, { cause });
  }
  if (typeof certificatePem !== 'string')
    throw new CertRenewalError('renewal answer has no certificatePem', { url: options.url });
  checkIssued(certificatePem, key, options);
  writeAtomically(options.certFile, certificatePem);
}

function checkIssued(pem: string, key: KeyObject, options: CertRenewalOptions): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (cause) {
    throw new CertRenewalError('renewal answer holds no valid certificate', { url: options.url }, { cause });
  }
  const ca = new X509Certificate(readFileSync(options.caFile));
  if (!cert.checkPrivateKey(key)) throw new CertRenewalError('renewed certificate does not match the node key', {});
  if (!cert.verify(ca.publicKey))
    throw new CertRenewalError('renewed certificate is not signed by the Kedge CA in caFile', {
      caFile: options.caFile,
    });
  if (!cert.subject.split('\n').includes(`CN=${options.nodeName}`)) {
    throw new CertRenewalError(`renewed certificate is for "${cert.subject}", not CN=${options.nodeName}`, {
      subject: cert.subject,
    });
  }
}

async function createCsr(nodeName: string, key: KeyObject): Promise<string> {
  // Loaded only when renewing (about once a year): @peculiar/x509 is heavy for the edge.
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = signingAlgorithm(key);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [nodeName] }, { O: ['kedge:nodes'] }],
    keys: { privateKey, publicKey },
    signingAlgorithm: algorithm,
  });
  return csr.toString('pem');
}

function signingAlgorithm(key: KeyObject): webcrypto.EcKeyImportParams & webcrypto.EcdsaParams {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
  if (key.asymmetricKeyType !== 'ec' || !named) {
    throw new CertRenewalError(
      `node key is ${key.asymmetricKeyType} ${curve ?? ''}; renewal supports ECDSA P-256/P-384 keys as kedge join makes them`,
      {},
    );
  }
  return { name: 'ECDSA', namedCurve: named, hash: named === 'P-256' ? 'SHA-256' : 'SHA-384' };
}

async function post(options: CertRenewalOptions, payload: string): Promise<string> {
  const target = new URL(options.url);
  target.protocol = 'https:';
  target.pathname = RENEW_PATH;
  const proxy = proxyFor(target.toString(), options.proxy);
  const agent = proxy ? new (await import('https-proxy-agent')).HttpsProxyAgent(proxy) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        ca: readFileSync(options.caFile),
        cert: readFileSync(options.certFile),
        key: readFileSync(options.keyFile),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: options.requestTimeoutMs ?? 30_000,
        ...(agent ? { agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(text);
          else
            reject(
              new CertRenewalError(`cloud refused renewal: HTTP ${res.statusCode} ${text.slice(0, 300)}`, {
                status: res.statusCode,
              }),
            );
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new CertRenewalError('renewal request timed out', { url: target.toString() })));
    req.on('error', (cause) =>
      reject(
        cause instanceof CertRenewalError
          ? cause
          : new CertRenewalError(`renewal request failed: ${cause.message}`, { url: target.toString() }, { cause }),
      ),
    );
    req.end(payload);
  });
}

/** Write to a temp file, fsync, rename over: readers see the old or the new file, never half of one. */
export function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // setTimeout holds at most ~24.8 days; longer waits are re-checked.
    const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
