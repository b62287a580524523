/**
 * A tiny edge for cloudcore's tests: joins with a real CSR over HTTPS, then
 * speaks the channel over a real TLS WebSocket with its client certificate.
 * It stores nothing; tests drive it frame by frame.
 */
import { request } from 'node:https';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type Frame, type FramePayload } from '@kedge/protocol';

export interface NodeCredentials {
  readonly nodeName: string;
  readonly keyPem: string;
  readonly certPem: string;
  readonly caPem: string;
}

export interface HttpReply {
  readonly status: number;
  readonly body: string;
}

/** One HTTPS request to cloudcore; `ca` undefined = do not verify (as a joiner does for /ca.crt). */
export function httpsCall(
  port: number,
  method: string,
  path: string,
  options: { body?: unknown; ca?: string; cert?: string; key?: string } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        rejectUnauthorized: options.ca !== undefined,
        headers: payload ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function makeCsr(nodeName: string): Promise<{ csrPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${nodeName}`,
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { csrPem: csr.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

/** kedge join, reduced: fetch the CA, send token + CSR, keep the certificate. */
export async function joinNode(
  port: number,
  nodeName: string,
  token: string,
  labels: Record<string, string> = {},
): Promise<NodeCredentials> {
  const caPem = (await httpsCall(port, 'GET', '/ca.crt')).body;
  const { csrPem, keyPem } = await makeCsr(nodeName);
  const reply = await httpsCall(port, 'POST', '/v1/join', { ca: caPem, body: { token, nodeName, csrPem, labels } });
  if (reply.status !== 200) throw new Error(`join failed: ${reply.status} ${reply.body}`);
  const { certificatePem } = JSON.parse(reply.body) as { certificatePem: string };
  return { nodeName, keyPem, certPem: certificatePem, caPem };
}

export class TestEdge {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const decoded = decodeFrame(data);
      if (decoded.ok) this.frames.push(decoded.frame);
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  /** Opens the WebSocket; resolves once open, rejects with the HTTP status when refused. */
  static connect(port: number, creds: Partial<NodeCredentials> & { caPem: string }): Promise<TestEdge> {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/v1/connect`, 'kedge.v1', {
      ca: creds.caPem,
      cert: creds.certPem,
      key: creds.keyPem,
      perMessageDeflate: true,
    });
    return new Promise((resolve, reject) => {
      const edge = new TestEdge(ws);
      ws.once('open', () => resolve(edge));
      ws.once('unexpected-response', (_req, res) => {
        const retryAfter = res.headers['retry-after'];
        reject(new Error(`refused with HTTP ${res.statusCode}${retryAfter ? ` (Retry-After ${retryAfter})` : ''}`));
      });
      ws.once('error', reject);
    });
  }

  send(payload: FramePayload): number {
    const id = this.nextId++;
    this.ws.send(encodeFrame({ id, ...payload } as Frame));
    return id;
  }

  hello(nodeName: string, manifestDigest = ''): void {
    this.send({
      type: 'hello',
      protocolVersion: 1,
      minProtocolVersion: 1,
      features: [],
      compression: ['permessage-deflate'],
      nodeName,
      agentVersion: 'test',
      manifestDigest,
    });
  }

  /** Acks every object frame received so far that was not acked yet. */
  ackAll(): void {
    const ids = this.frames.filter((f) => f.type === 'object' && !this.acked.has(f.id)).map((f) => f.id);
    ids.forEach((id) => this.acked.add(id));
    if (ids.length > 0) this.send({ type: 'ack', ids });
  }
  private readonly acked = new Set<number>();

  async waitFor<T extends Frame>(predicate: (f: Frame) => f is T, timeoutMs?: number): Promise<T>;
  async waitFor(predicate: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  async waitFor(predicate: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(',')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
