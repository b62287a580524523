/**
 * HTTPS endpoints of the join flow: GET /ca.crt (no client cert), POST
 * /v1/join (bootstrap token + CSR -> node certificate), POST /v1/renew
 * (current node certificate + CSR -> new certificate for the same CN).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { JOIN_PATH, parseJoinRequest, type JoinResponse } from '@kedge/protocol';
import { AuthError, errorMessage } from '../errors';
import { peerIdentity } from '../hub/identity';
import { readJsonBody, sendJson, type RouteTable } from '../hub/routes';
import { apiErrorMessage } from '../kube';
import type { Logger } from '../log';
import type { CaMaterial } from './pki';
import { signNodeCsr } from './pki';
import { checkBootstrapToken, type SecretReader } from './tokens';

const MAX_BODY_BYTES = 64 * 1024;

export interface AuthEndpointDeps {
  readonly ca: CaMaterial;
  readonly readSecret: SecretReader;
  readonly certValidityMs: number;
  /** Creates or labels the Node at join (nodes module). */
  readonly onJoin: (nodeName: string, labels: Readonly<Record<string, string>>) => Promise<void>;
  readonly log: Logger;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  if (!body.ok) throw new AuthError('BAD_REQUEST', body.status, body.message);
  return body.value;
}

/** Answers an AuthError as {code, message}; anything else as 503 (the API failed, retry). */
function answer(res: ServerResponse, log: Logger, err: unknown, what: string): void {
  if (err instanceof AuthError) {
    log.warn(`${what} refused`, { code: err.code, message: err.message, ...err.context });
    return sendJson(res, err.httpStatus, { code: err.code, message: err.message });
  }
  log.error(`${what} failed`, { error: apiErrorMessage(err) });
  sendJson(res, 503, {
    code: 'API_UNAVAILABLE',
    message: `cloud could not complete the ${what}: ${errorMessage(err)}; retry later`,
  });
}

export function registerAuthRoutes(routes: RouteTable, deps: AuthEndpointDeps): void {
  const { ca, log } = deps;
  routes.add('GET', '/ca.crt', async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-pem-file' });
    res.end(ca.certPem);
  });

  const join = async (req: IncomingMessage & { socket: TLSSocket }, res: ServerResponse) => {
    try {
      const parsed = parseJoinRequest(await readJson(req));
      if (!parsed.ok) {
        const { code, message } = parsed.error;
        if (code === 'INVALID_TOKEN') throw new AuthError('TOKEN_MALFORMED', 401, message);
        throw new AuthError(code === 'INVALID_NODE_NAME' ? 'NODE_NAME_INVALID' : 'BAD_REQUEST', 400, message);
      }
      const { token, nodeName, csrPem, labels } = parsed.request;
      const tokenId = await checkBootstrapToken(token, deps.readSecret);
      const certificatePem = await signNodeCsr(ca, csrPem, nodeName, deps.certValidityMs);
      await deps.onJoin(nodeName, labels ?? {});
      const host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
      const body: JoinResponse = { certificatePem, caPem: ca.certPem, cloudUrl: `wss://${host}` };
      log.info('node joined', { node: nodeName, tokenId });
      sendJson(res, 200, body);
    } catch (err) {
      answer(res, log, err, 'join');
    }
  };
  // The channel contract names /v1/join; @kedge/protocol exports JOIN_PATH. Serve both.
  for (const path of new Set<string>(['/v1/join', JOIN_PATH])) routes.add('POST', path, join);

  routes.add('POST', '/v1/renew', async (req, res) => {
    try {
      const identity = peerIdentity(req.socket);
      if (!identity.ok) throw new AuthError('CLIENT_CERT_REQUIRED', 401, identity.message);
      const body = (await readJson(req)) as { csrPem?: unknown } | null;
      if (typeof body?.csrPem !== 'string')
        throw new AuthError('BAD_REQUEST', 400, 'renew body must be {"csrPem": "<PEM CSR>"}');
      const certificatePem = await signNodeCsr(ca, body.csrPem, identity.nodeName, deps.certValidityMs);
      log.info('node certificate renewed', { node: identity.nodeName });
      sendJson(res, 200, { certificatePem, caPem: ca.certPem });
    } catch (err) {
      answer(res, log, err, 'renew');
    }
  });
}
