import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../config';
import { CertRenewalError } from '../errors';
import { renewalTime, renewCertificate, runCertRenewal, type CertRenewalOptions } from './renew';
import { createNodeKey, createTestCa, csrPublicKey, type TestCa } from './testing/certs';

let dir: string;
let ca: TestCa;
let server: Server;
let refuse = false;
let options: CertRenewalOptions;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-renew-'));
  ca = await createTestCa();
  const node = await createNodeKey();
  const serverKey = await createNodeKey();
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'node.key'), node.keyPem);
  // 80 of 100 seconds already passed: renewal is due.
  writeFileSync(
    join(dir, 'node.crt'),
    await ca.issue('edge-1', node.keys.publicKey, new Date(Date.now() - 80_000), 100_000),
  );
  server = createServer(
    {
      key: serverKey.keyPem,
      cert: await ca.issue('localhost', serverKey.keys.publicKey, new Date(Date.now() - 1000), 3_600_000),
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (refuse || req.url !== '/v1/renew') return res.writeHead(403).end('{"code":"FORBIDDEN"}');
        const { csrPem } = JSON.parse(Buffer.concat(chunks).toString()) as { csrPem: string };
        const certificatePem = await ca.issue('edge-1', await csrPublicKey(csrPem), new Date(), 3_600_000);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ certificatePem }));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  options = {
    nodeName: 'edge-1',
    url: `wss://localhost:${(server.address() as AddressInfo).port}/v1/connect`,
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'node.crt'),
    keyFile: join(dir, 'node.key'),
    proxy: '',
    log: silentLogger,
    onRenewed: () => {},
  };
});
afterEach(async () => {
  refuse = false;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('certificate renewal', () => {
  it('is due at 80% of the validity', () => {
    const pem = readFileSync(join(dir, 'node.crt'));
    const cert = new X509Certificate(pem);
    const from = Date.parse(cert.validFrom);
    expect(renewalTime(pem)).toBe(from + Math.floor((Date.parse(cert.validTo) - from) * 0.8));
  });

  it('replaces the certificate atomically with one for the same key and name, then reports it', async () => {
    const before = new X509Certificate(readFileSync(options.certFile));
    const stop = new AbortController();
    let renewed = 0;
    await runCertRenewal({ ...options, onRenewed: () => (renewed++, stop.abort()) }, stop.signal);
    const after = new X509Certificate(readFileSync(options.certFile));
    expect(renewed).toBe(1);
    expect(Date.parse(after.validTo)).toBeGreaterThan(Date.parse(before.validTo));
    expect(after.subject).toContain('CN=edge-1');
    expect(after.publicKey.equals(before.publicKey)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the old certificate when the cloud refuses', async () => {
    refuse = true;
    const before = readFileSync(options.certFile, 'utf8');
    const err = await renewCertificate(options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertRenewalError);
    expect((err as Error).message).toMatch(/HTTP 403/);
    expect(readFileSync(options.certFile, 'utf8')).toBe(before);
  });
});
