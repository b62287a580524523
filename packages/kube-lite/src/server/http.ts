// The HTTPS server: authentication, then discovery, OpenAPI or resources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { apiErrors } from '../errors';
import type { KubeLiteLogger } from '../options';
import { tokenMatches } from '../pki/kubeconfig';
import type { TlsMaterial } from '../pki/tls';
import type { Registry } from '../registry/registry';
import { discovery, versionInfo } from './discovery';
import { OPENAPI_V2_PROTOBUF, openApiGroupVersion, openApiRoot, openApiV2 } from './openapi';
import { sendError, sendJson, sendRaw } from './respond';
import type { ResourceHandlerContext } from './resources';
import { handleResource } from './resources';
import { parseRoute } from './route';

export interface HttpServerDeps {
  tls: TlsMaterial;
  token: string;
  registry: Registry;
  resources: ResourceHandlerContext;
  log: KubeLiteLogger;
  /** host:port clients reach the server at, for /api's serverAddressByClientCIDRs. */
  serverAddress: () => string;
}

const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

async function route(deps: HttpServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kube-lite');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (!publicPaths.has(path) && !tokenMatches(req.headers.authorization, deps.token)) throw apiErrors.unauthorized();
  if (path === '/version') return sendJson(res, 200, versionInfo());
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return sendRaw(res, 200, 'ok', 'text/plain');
  if (path === '/openapi/v2') return sendOpenApiV2(req, res);
  if (path === '/openapi/v3') return sendJson(res, 200, openApiRoot(deps.registry));
  if (path.startsWith('/openapi/v3/'))
    return sendJson(res, 200, openApiGroupVersion(deps.registry, path.slice('/openapi/v3/'.length)));
  const r = parseRoute(deps.registry, path);
  if (r.type === 'discovery') {
    if (req.method !== 'GET')
      throw apiErrors.methodNotAllowed('the server does not allow this method on the requested resource');
    return sendJson(res, 200, discovery(deps.registry, r.path, deps.serverAddress()));
  }
  if (r.type === 'other') throw apiErrors.noSuchResource();
  const request = {
    def: r.def,
    query: url.searchParams,
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(r.subresource !== undefined ? { subresource: r.subresource } : {}),
  };
  await handleResource(deps.resources, req, res, request);
}

const OPENAPI_V2 = openApiV2('Kubernetes', versionInfo().gitVersion ?? '');

function sendOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
  if (!(req.headers.accept ?? '').includes(OPENAPI_V2_PROTOBUF)) return sendRaw(res, 200, OPENAPI_V2.json);
  // The media type asked for is not a valid Content-Type ('@'); API servers answer octet-stream.
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': OPENAPI_V2.protobuf.length });
  res.end(OPENAPI_V2.protobuf);
}

export function createApiServer(deps: HttpServerDeps): Server {
  const server = createServer({ key: deps.tls.keyPem, cert: deps.tls.certPem, keepAlive: true }, (req, res) => {
    route(deps, req, res).catch((error: unknown) =>
      sendError(res, error, (e) =>
        deps.log('error', 'request failed', {
          method: req.method,
          url: req.url,
          error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        }),
      ),
    );
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  return server;
}
