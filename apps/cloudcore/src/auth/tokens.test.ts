import type { V1Secret } from '@kubernetes/client-node';
import { hashTokenSecret } from '@kedge/protocol';
import { describe, expect, it } from 'vitest';
import type { AuthError } from '../errors';
import { checkBootstrapToken, TOKEN_SECRET_TYPE, tokenSecretName } from './tokens';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const NOW = new Date('2026-01-01T00:00:00Z');

function tokenSecret(id: string, secret: string, expiration: string): V1Secret {
  return {
    metadata: { name: tokenSecretName(id) },
    type: TOKEN_SECRET_TYPE,
    data: { 'token-id': b64(id), 'token-secret-sha256': b64(hashTokenSecret(secret)), expiration: b64(expiration) },
  };
}

function store(...secrets: V1Secret[]) {
  const byName = new Map(secrets.map((s) => [s.metadata?.name ?? '', s]));
  return async (name: string) => byName.get(name);
}

const outcome = (p: Promise<string>) =>
  p.then(
    (id) => `ok:${id}`,
    (e: AuthError) => `${e.code}:${e.httpStatus}`,
  );

describe('bootstrap token check', () => {
  const read = store(
    tokenSecret('abcdef', '0123456789abcdef', '2026-01-02T00:00:00Z'),
    tokenSecret('old000', '0123456789abcdef', '2025-12-31T23:59:59Z'),
  );

  it('accepts a known, matching, unexpired token', async () => {
    expect(await outcome(checkBootstrapToken('abcdef.0123456789abcdef', read, NOW))).toBe('ok:abcdef');
  });
  it('refuses a wrong secret with 401', async () => {
    expect(await outcome(checkBootstrapToken('abcdef.fffffffffffffff0', read, NOW))).toBe('TOKEN_MISMATCH:401');
  });
  it('refuses an expired token with 403', async () => {
    expect(await outcome(checkBootstrapToken('old000.0123456789abcdef', read, NOW))).toBe('TOKEN_EXPIRED:403');
  });
  it('refuses a revoked (deleted) or unknown token with 401', async () => {
    expect(await outcome(checkBootstrapToken('zzzzzz.0123456789abcdef', read, NOW))).toBe('TOKEN_UNKNOWN:401');
  });
  it('refuses a malformed token without echoing it', async () => {
    const err = await checkBootstrapToken('not-a-token-secret', read, NOW).catch((e: AuthError) => e);
    expect((err as AuthError).code).toBe('TOKEN_MALFORMED');
    expect((err as AuthError).message).not.toContain('not-a-token-secret');
  });
  it('refuses a Secret of another type or with a corrupt expiration', async () => {
    const wrongType = { ...tokenSecret('abcdef', '0123456789abcdef', '2027-01-01T00:00:00Z'), type: 'Opaque' };
    expect(await outcome(checkBootstrapToken('abcdef.0123456789abcdef', store(wrongType), NOW))).toBe(
      'TOKEN_UNKNOWN:401',
    );
    const corrupt = tokenSecret('abcdef', '0123456789abcdef', 'tomorrow');
    expect(await outcome(checkBootstrapToken('abcdef.0123456789abcdef', store(corrupt), NOW))).toBe(
      'TOKEN_CORRUPT:401',
    );
  });
});
