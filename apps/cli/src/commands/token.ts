// `kedge token create|list|revoke`: bootstrap tokens for `kedge join`.
import { caHashFromPem } from '../bootstrap';
import { requireCa } from '../cluster/ca-secret';
import { createToken, listTokens, revokeToken } from '../cluster/tokens';
import { openKube } from '../kube/client';
import { formatTable } from '../ui/table';
import type { Output } from './output';

export interface TokenCreateOptions {
  kubeconfig?: string;
  ttlMs: number;
  description: string;
  /** wss://HOST:PORT used in the printed join line. */
  cloud: string;
  output: 'text' | 'json';
}

export interface TokenCreated {
  id: string;
  token: string;
  caHash: string;
  expiration: string;
  joinCommand: string;
}

export async function tokenCreate(opts: TokenCreateOptions, out: Output): Promise<TokenCreated> {
  const kube = openKube(opts.kubeconfig);
  const ca = await requireCa(kube);
  const caHash = caHashFromPem(ca.certPem);
  const { token, expiration } = await createToken(kube, opts.ttlMs, opts.description);
  const joinCommand = `kedge join --cloud ${opts.cloud} --token ${token.token} --ca-hash ${caHash} --node-name NODE_NAME`;
  const created = { id: token.id, token: token.token, caHash, expiration, joinCommand };
  if (opts.output === 'json') {
    out.data(JSON.stringify(created, null, 2));
  } else {
    out.data(`token:      ${token.token}`);
    out.data(`ca hash:    --ca-hash ${caHash}`);
    out.data(`expires:    ${expiration}`);
    out.data('');
    out.data('Join an edge node (replace NODE_NAME; the token is shown only once):');
    out.data(`  ${joinCommand}`);
  }
  return created;
}

export interface TokenListOptions {
  kubeconfig?: string;
  output: 'table' | 'json';
}

export async function tokenList(opts: TokenListOptions, out: Output): Promise<void> {
  const kube = openKube(opts.kubeconfig);
  const tokens = await listTokens(kube);
  if (opts.output === 'json') {
    out.data(JSON.stringify(tokens, null, 2));
    return;
  }
  if (tokens.length === 0) {
    out.data('No tokens. Create one with `kedge token create`.');
    return;
  }
  out.data(
    formatTable(
      ['ID', 'EXPIRES', 'STATUS', 'DESCRIPTION'],
      tokens.map((t) => [t.id, t.expiration, t.expired ? 'expired' : 'valid', t.description]),
    ),
  );
}

export async function tokenRevoke(id: string, kubeconfig: string | undefined, out: Output): Promise<void> {
  const kube = openKube(kubeconfig);
  await revokeToken(kube, id);
  out.data(`token ${id} revoked`);
}
