import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadToken, tokenMatches, writeKubeconfig } from './kubeconfig';
import { loadTls } from './tls';

const dir = mkdtempSync(join(tmpdir(), 'kube-lite-pki-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PKI and kubeconfig', () => {
  it('creates a CA once and issues serving certificates it signs, naming the host', async () => {
    const first = await loadTls(dir, ['10.1.2.3']);
    const second = await loadTls(dir, ['edge.example']);
    expect(second.caPem).toBe(first.caPem);
    const ca = new X509Certificate(first.caPem);
    expect(ca.ca).toBe(true);
    const cert = new X509Certificate(second.certPem);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('edge.example')).toBe('edge.example');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new X509Certificate(first.certPem).checkIP('10.1.2.3')).toBe('10.1.2.3');
  });

  it('persists the admin token and writes a kubeconfig carrying it and the CA', async () => {
    const token = await loadToken(dir);
    expect(await loadToken(dir)).toBe(token);
    expect(tokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(tokenMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
    const { caPem } = await loadTls(dir, []);
    const path = await writeKubeconfig(dir, 'https://127.0.0.1:6443', caPem, token);
    const config = parse(readFileSync(path, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    expect(config.clusters[0]!.cluster.server).toBe('https://127.0.0.1:6443');
    expect(Buffer.from(config.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString()).toBe(caPem);
    expect(config.users[0]!.user.token).toBe(token);
  });
});
