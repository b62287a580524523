/**
 * Joins hollow nodes through the cloud's real HTTP join endpoint, like
 * `kedge join`: fetch /ca.crt unverified, check it against the pin, then
 * POST token + CSR per node over TLS that trusts only that CA.
 */
import { Agent, request } from 'node:https';
import { JOIN_PATH, parseJoinResponse, verifyCaHash } from '@kedge/protocol';
import { buildCsr, generateNodeKey, type NodeKey } from './csr';
import { HollowJoinError } from './errors';

export interface HollowIdentity {
  readonly nodeName: string;
  /** PKCS#8 PEM; shared by the nodes of one process (see csr.ts). */
  readonly keyPem: string;
  readonly certPem: string;
  readonly caPem: string;
  /** wss:// URL the cloud told the node to use. */
  readonly cloudUrl: string;
}

export interface JoinHollowNodesOptions {
  /** Join endpoint host. Default 127.0.0.1. */
  host?: string;
  port: number;
  /** Bootstrap token `abcdef.0123456789abcdef`. */
  token: string;
  nodeNames: readonly string[];
  /** `sha256:<hex>` pin of the CA; default: trust what /ca.crt answers (tests on loopback only). */
  caHash?: string;
  /** Labels the cloud puts on each Node. Default none. */
  labels?: Readonly<Record<string, string>>;
  /** Joins in flight at once. Default 16. */
  concurrency?: number;
  /** One key for all nodes of this call. Default: a new one. */
  key?: NodeKey;
  /** Per join request, ms. Default 30,000. */
  timeoutMs?: number;
}

interface Reply {
  readonly status: number;
  readonly body: string;
}

function call(
  agent: Agent,
  options: { host: string; port: number; method: string; path: string; ca?: string; body?: string; timeoutMs: number },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: options.host,
        port: options.port,
        method: options.method,
        path: options.path,
        ca: options.ca,
        rejectUnauthorized: options.ca !== undefined,
        headers: options.body ? { 'content-type': 'application/json' } : {},
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Joins every name in `nodeNames`; resolves in the same order. The first refusal rejects with HollowJoinError. */
export async function joinHollowNodes(options: JoinHollowNodesOptions): Promise<HollowIdentity[]> {
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new HollowJoinError(`concurrency must be a positive integer, got ${concurrency}`, { concurrency });
  const anyCa = new Agent({ keepAlive: false });
  const caReply = await call(anyCa, { host, port: options.port, method: 'GET', path: '/ca.crt', timeoutMs }).catch(
    (err: unknown) => {
      throw new HollowJoinError(
        `cannot fetch the CA from ${host}:${options.port}: ${String(err)}`,
        { host },
        { cause: err },
      );
    },
  );
  anyCa.destroy();
  const caPem = caReply.body;
  if (caReply.status !== 200 || !caPem.includes('BEGIN CERTIFICATE'))
    throw new HollowJoinError(`GET /ca.crt answered ${caReply.status}, not a PEM certificate`, { host });
  if (options.caHash) {
    const bad = verifyCaHash(caPem, options.caHash);
    if (bad) throw new HollowJoinError(`the cloud's CA does not match the pin: ${bad.message}`, { host });
  }
  const key = options.key ?? generateNodeKey();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: caPem });
  const out: HollowIdentity[] = new Array(options.nodeNames.length);
  let next = 0;
  const worker = async () => {
    while (next < options.nodeNames.length) {
      const at = next++;
      const nodeName = options.nodeNames[at] as string;
      const body = JSON.stringify({
        token: options.token,
        nodeName,
        csrPem: buildCsr(key, nodeName),
        labels: options.labels ?? {},
      });
      const reply = await call(agent, {
        host,
        port: options.port,
        method: 'POST',
        path: JOIN_PATH,
        ca: caPem,
        body,
        timeoutMs,
      });
      let parsed: unknown;
      try {
        parsed = JSON.parse(reply.body);
      } catch {
        parsed = undefined;
      }
      const result = reply.status === 200 ? parseJoinResponse(parsed) : undefined;
      if (!result?.ok) {
        throw new HollowJoinError(`join of ${nodeName} failed: HTTP ${reply.status} ${reply.body.slice(0, 300)}`, {
          nodeName,
          status: reply.status,
        });
      }
      out[at] = {
        nodeName,
        keyPem: key.keyPem,
        certPem: result.response.certificatePem,
        caPem,
        cloudUrl: result.response.cloudUrl,
      };
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, options.nodeNames.length) }, worker));
  } finally {
    agent.destroy();
  }
  return out;
}
