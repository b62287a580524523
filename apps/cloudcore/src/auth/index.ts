/**
 * auth: the Kedge CA (Secret kedge-ca, created on first start), the edge
 * channel's server certificate, and the join / renew / ca.crt endpoints.
 *
 *   const ca = await ctx.ca.promise;        // once auth has loaded the CA
 *   const tls = await ctx.serverTls.promise; // what the hub listens with
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { CloudModule } from '../context';
import { isNotFound } from '../kube';
import { loadOrCreateCa } from './ca-store';
import { registerAuthRoutes } from './endpoints';
import { issueServerCertificate, sessionTicketKeys } from './pki';

export { CA_SECRET_NAME, loadOrCreateCa } from './ca-store';
export {
  NODE_ORGANIZATION,
  createCa,
  parseCa,
  signNodeCsr,
  issueServerCertificate,
  sessionTicketKeys,
  type CaMaterial,
} from './pki';
export { checkBootstrapToken, tokenSecretName, TOKEN_SECRET_TYPE } from './tokens';

/** The server certificate is issued at start for this long; a restart issues a new one. */
const SERVER_CERT_VALIDITY_MS = 365 * 24 * 3600_000;

export const authModule: CloudModule = {
  name: 'auth',
  async start(ctx, signal) {
    const log = ctx.log.child('auth');
    const { namespace, advertiseAddress, certValidityHours } = ctx.config;
    ctx.readiness.require('ca');
    const core = ctx.kube.makeApiClient(CoreV1Api);
    const ca = await loadOrCreateCa(core, namespace, log);
    const server = await issueServerCertificate(ca, advertiseAddress, SERVER_CERT_VALIDITY_MS);
    registerAuthRoutes(ctx.routes, {
      ca,
      certValidityMs: certValidityHours * 3600_000,
      log,
      onJoin: (nodeName, labels) =>
        Promise.all(ctx.joinHooks.map((hook) => hook(nodeName, labels))).then(() => undefined),
      readSecret: async (name) => {
        try {
          return await core.readNamespacedSecret({ name, namespace });
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
    });
    ctx.ca.resolve(ca);
    ctx.serverTls.resolve({
      certPem: server.certPem,
      keyPem: server.keyPem,
      caPem: ca.certPem,
      ticketKeys: sessionTicketKeys(ca),
    });
    ctx.readiness.set('ca', true);
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  },
};
