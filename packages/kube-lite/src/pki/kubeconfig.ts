// The admin bearer token (random, persisted) and the kubeconfig that carries it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

export async function loadToken(dataDir: string): Promise<string> {
  const path = join(dataDir, 'admin-token');
  if (existsSync(path)) {
    const token = (await readFile(path, 'utf8')).trim();
    if (token.length >= 32) return token;
  }
  const token = randomBytes(32).toString('hex');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Constant-time check of an `Authorization: Bearer <token>` header. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export async function writeKubeconfig(dataDir: string, server: string, caPem: string, token: string): Promise<string> {
  const path = join(dataDir, 'kubeconfig.yaml');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'kube-lite', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } },
    ],
    users: [{ name: 'kube-lite-admin', user: { token } }],
    contexts: [{ name: 'kube-lite', context: { cluster: 'kube-lite', user: 'kube-lite-admin', namespace: 'default' } }],
    'current-context': 'kube-lite',
    preferences: {},
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}
