/**
 * Bootstrap token check at join: Secret `bootstrap-token-<id>` of type
 * kedge.io/bootstrap-token holds sha256(secret) and an RFC 3339 expiration.
 * Revoking a token deletes its Secret.
 */
import type { V1Secret } from '@kubernetes/client-node';
import { parseToken, tokenSecretMatches } from '@kedge/protocol';
import { AuthError } from '../errors';

export const TOKEN_SECRET_TYPE = 'kedge.io/bootstrap-token';
export const tokenSecretName = (id: string): string => `bootstrap-token-${id}`;

/** Reads a Secret by name in the Kedge namespace; undefined when it does not exist. */
export type SecretReader = (name: string) => Promise<V1Secret | undefined>;

const field = (secret: V1Secret, key: string): string | undefined => {
  const value = secret.data?.[key];
  return value === undefined ? secret.stringData?.[key] : Buffer.from(value, 'base64').toString('utf8');
};

/**
 * Resolves with the token id when `tokenText` is a known, matching, unexpired
 * token; otherwise throws AuthError: TOKEN_MALFORMED / TOKEN_UNKNOWN /
 * TOKEN_MISMATCH / TOKEN_CORRUPT (401) or TOKEN_EXPIRED (403).
 */
export async function checkBootstrapToken(
  tokenText: string,
  readSecret: SecretReader,
  now = new Date(),
): Promise<string> {
  const parsed = parseToken(tokenText);
  if (!parsed.ok) throw new AuthError('TOKEN_MALFORMED', 401, parsed.error.message);
  const { id, secret } = parsed.token;
  const stored = await readSecret(tokenSecretName(id));
  if (!stored || stored.type !== TOKEN_SECRET_TYPE) {
    throw new AuthError(
      'TOKEN_UNKNOWN',
      401,
      `bootstrap token ${id} is unknown or was revoked; create one with \`kedge token create\``,
      { tokenId: id },
    );
  }
  const hash = field(stored, 'token-secret-sha256');
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) {
    throw new AuthError(
      'TOKEN_CORRUPT',
      401,
      `Secret ${tokenSecretName(id)} has no valid token-secret-sha256; recreate the token`,
      { tokenId: id },
    );
  }
  if (!tokenSecretMatches(secret, hash)) {
    throw new AuthError(
      'TOKEN_MISMATCH',
      401,
      `bootstrap token ${id} has a wrong secret; check the token you passed to kedge join`,
      { tokenId: id },
    );
  }
  const expiration = field(stored, 'expiration');
  const expiresAt = expiration ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(expiresAt)) {
    throw new AuthError(
      'TOKEN_CORRUPT',
      401,
      `Secret ${tokenSecretName(id)} has no valid RFC 3339 expiration; recreate the token`,
      { tokenId: id },
    );
  }
  if (expiresAt <= now.getTime()) {
    throw new AuthError(
      'TOKEN_EXPIRED',
      403,
      `bootstrap token ${id} expired at ${expiration}; create a new one with \`kedge token create\``,
      { tokenId: id },
    );
  }
  return id;
}
