import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { caHashFromPem, parseJoinResponse } from '../bootstrap';
import { CliError } from '../errors';
import { cloudHandler, signNodeCsr, startTlsServer, type TlsTestServer } from '../testing/tls-server';
import { joinNode, type JoinOptions } from './join';

const base = mkdtempSync(join(tmpdir(), 'kedge-join-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let server: TlsTestServer;
let answer: { status: number; body: unknown } | 'sign' = 'sign';

beforeAll(async () => {
  server = await startTlsServer(
    cloudHandler((body, res) => {
      if (answer !== 'sign') {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      const request = JSON.parse(body) as { csrPem: string };
      void signNodeCsr(server.ca, request.csrPem).then((certificatePem) => {
        const response = { certificatePem, caPem: server.ca.certPem, cloudUrl: `wss://127.0.0.1:${server.port}` };
        expect(parseJoinResponse(response).ok).toBe(true);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(response));
      });
    }),
  );
});
afterAll(() => server.close());

function options(overrides: Partial<JoinOptions> = {}): JoinOptions {
  return {
    cloud: { url: `wss://127.0.0.1:${server.port}`, host: '127.0.0.1', port: server.port },
    token: 'abcdef.0123456789abcdef',
    caHash: caHashFromPem(server.ca.certPem),
    nodeName: 'edge-7',
    labels: { 'kedge.io/group': 'g' },
    runtime: 'simulated',
    dataDir: join(mkdtempSync(join(base, 't-')), 'node'),
    timeoutMs: 3000,
    ...overrides,
  };
}

async function failure(opts: JoinOptions): Promise<CliError> {
  const err = await joinNode(opts).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('joinNode', () => {
  it('writes ca.crt, node.key (0600), node.crt and edgecore.yaml', async () => {
    answer = 'sign';
    const opts = options();
    const outcome = await joinNode(opts);
    expect(readdirSync(opts.dataDir).sort()).toEqual(['ca.crt', 'edgecore.yaml', 'node.crt', 'node.key']);
    expect(statSync(join(opts.dataDir, 'node.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(opts.dataDir, 'ca.crt'), 'utf8')).toBe(server.ca.certPem);
    const config = parse(readFileSync(outcome.configPath, 'utf8'));
    expect(config.nodeName).toBe('edge-7');
    expect(config.cloud.url).toBe(`wss://127.0.0.1:${server.port}`);
    expect(config.labels).toEqual({ 'kedge.io/group': 'g' });

    const again = await failure({ ...opts });
    expect([again.code, again.exitCode]).toEqual(['ALREADY_JOINED', 2]);
    expect(again.hint).toMatch(/kedge reset/);
    await joinNode({ ...opts, force: true });
  });

  it('refuses a CA whose hash differs from --ca-hash (exit 4) and writes nothing', async () => {
    const opts = options({ caHash: `sha256:${'0'.repeat(64)}` });
    const err = await failure(opts);
    expect([err.code, err.exitCode]).toEqual(['CA_PIN_MISMATCH', 4]);
    expect(readdirSync(join(opts.dataDir, '..'))).toEqual([]);
  });

  it('maps 401, 403 and 400 answers to token and input errors', async () => {
    answer = { status: 401, body: { code: 'TOKEN_UNKNOWN', message: 'bootstrap token abcdef is unknown' } };
    expect([(await failure(options())).code, (await failure(options())).exitCode]).toEqual(['TOKEN_REJECTED', 4]);
    answer = { status: 403, body: { code: 'TOKEN_EXPIRED', message: 'expired' } };
    const expired = await failure(options());
    expect([expired.code, expired.exitCode]).toEqual(['TOKEN_EXPIRED', 4]);
    expect(expired.message).toMatch(/expired/);
    answer = { status: 400, body: { code: 'NODE_NAME_INVALID', message: 'CSR subject CN mismatch' } };
    const bad = await failure(options());
    expect([bad.code, bad.exitCode]).toEqual(['JOIN_REFUSED', 2]);
    answer = 'sign';
  });

  it('reports an unreachable cloud with exit 3', async () => {
    const port = await closedPort();
    const err = await failure(options({ cloud: { url: `wss://127.0.0.1:${port}`, host: '127.0.0.1', port } }));
    expect([err.code, err.exitCode]).toEqual(['CLOUD_UNREACHABLE', 3]);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses a non-empty data dir before contacting the cloud', async () => {
    const opts = options();
    mkdirSync(opts.dataDir);
    writeFileSync(join(opts.dataDir, 'something'), 'x');
    const err = await failure(opts);
    expect([err.code, err.exitCode]).toEqual(['ALREADY_JOINED', 2]);
    expect(err.message).toMatch(/not empty/);
  });
});
