// Join tokens as Secrets: kedge-system/bootstrap-token-<id>, type
// kedge.io/bootstrap-token, data token-id, token-secret-sha256, expiration,
// description. Only the hash of the secret is stored.
import type { V1Secret } from '@kubernetes/client-node';
import { generateToken, hashTokenSecret, type BootstrapToken } from '../bootstrap';
import { CliError, ExitCode } from '../errors';
import { KEDGE_NAMESPACE, apiStatus, kubeCall, toCliError, type Kube } from '../kube/client';

export const TOKEN_SECRET_TYPE = 'kedge.io/bootstrap-token';
export const TOKEN_LABEL = 'kedge.io/bootstrap-token';

export interface TokenInfo {
  id: string;
  expiration: string;
  description: string;
  expired: boolean;
  created: string | undefined;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined): string => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'));

export async function createToken(
  kube: Kube,
  ttlMs: number,
  description: string,
  now = Date.now(),
): Promise<{ token: BootstrapToken; expiration: string }> {
  const token = generateToken();
  const expiration = new Date(now + ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: TOKEN_SECRET_TYPE,
    metadata: { name: `bootstrap-token-${token.id}`, namespace: KEDGE_NAMESPACE, labels: { [TOKEN_LABEL]: 'true' } },
    data: {
      'token-id': b64(token.id),
      'token-secret-sha256': b64(hashTokenSecret(token.secret)),
      expiration: b64(expiration),
      description: b64(description),
    },
  };
  await kubeCall(kube, `create Secret ${KEDGE_NAMESPACE}/${body.metadata?.name}`, () =>
    kube.core.createNamespacedSecret({ namespace: KEDGE_NAMESPACE, body }),
  );
  return { token, expiration };
}

export async function listTokens(kube: Kube, now = Date.now()): Promise<TokenInfo[]> {
  const list = await kubeCall(kube, `list token Secrets in ${KEDGE_NAMESPACE}`, () =>
    kube.core.listNamespacedSecret({ namespace: KEDGE_NAMESPACE, labelSelector: `${TOKEN_LABEL}=true` }),
  );
  return list.items
    .filter((s) => s.type === TOKEN_SECRET_TYPE)
    .map((s) => {
      const expiration = unb64(s.data?.expiration);
      const at = Date.parse(expiration);
      return {
        id: unb64(s.data?.['token-id']) || (s.metadata?.name ?? '').replace(/^bootstrap-token-/, ''),
        expiration,
        description: unb64(s.data?.description),
        expired: !Number.isFinite(at) || at <= now,
        created: s.metadata?.creationTimestamp ? new Date(s.metadata.creationTimestamp).toISOString() : undefined,
      };
    })
    .sort((a, b) => a.expiration.localeCompare(b.expiration));
}

export async function revokeToken(kube: Kube, id: string): Promise<void> {
  const name = `bootstrap-token-${id}`;
  try {
    await kube.core.deleteNamespacedSecret({ name, namespace: KEDGE_NAMESPACE });
  } catch (err) {
    if (apiStatus(err) === 404) {
      throw new CliError('TOKEN_NOT_FOUND', ExitCode.usage, `token ${id} does not exist`, {
        hint: 'list tokens with `kedge token list`',
      });
    }
    throw toCliError(kube, `delete Secret ${KEDGE_NAMESPACE}/${name}`, err);
  }
}
