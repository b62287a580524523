/**
 * Serves the edge-tolerations webhook on the edge channel's HTTPS listener
 * (POST /admission/edge-tolerations). A MutatingWebhookConfiguration points
 * the API server here (deploy/cloudcore/40-webhook.yaml), with the Kedge CA as
 * caBundle. Which nodes are edge nodes is read from the Node label, cached
 * for a few seconds: pod creation bursts must not cost a Node list each.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { CloudModule } from '../context';
import { CloudcoreError, errorMessage } from '../errors';
import { readJsonBody, sendJson } from '../hub/routes';
import { EDGE_ROLE_LABEL, reviewEdgeTolerations } from './edge-tolerations';

export const ADMISSION_PATH = '/admission/edge-tolerations';
const MAX_REVIEW_BYTES = 3 * 1024 * 1024;
const EDGE_NODES_CACHE_MS = 5_000;

export const admissionModule: CloudModule = {
  name: 'admission',
  async start(ctx, signal) {
    const log = ctx.log.child('admission');
    const core = ctx.kube.makeApiClient(CoreV1Api);
    let cached: { names: Set<string>; at: number } | undefined;
    const edgeNodes = async (): Promise<Set<string>> => {
      if (cached && Date.now() - cached.at < EDGE_NODES_CACHE_MS) return cached.names;
      const list = await core.listNode({ labelSelector: EDGE_ROLE_LABEL });
      cached = { names: new Set(list.items.map((n) => n.metadata?.name ?? '')), at: Date.now() };
      return cached.names;
    };

    ctx.routes.add('POST', ADMISSION_PATH, async (req, res) => {
      const body = await readJsonBody(req, MAX_REVIEW_BYTES);
      if (!body.ok) return sendJson(res, body.status, { code: 'BAD_REQUEST', message: body.message });
      try {
        const names = await edgeNodes();
        sendJson(
          res,
          200,
          reviewEdgeTolerations(body.value, (name) => names.has(name)),
        );
      } catch (err) {
        const bad = err instanceof CloudcoreError && err.code === 'BAD_REQUEST';
        log.warn('admission review failed', { error: errorMessage(err) });
        sendJson(res, bad ? 400 : 503, { code: bad ? 'BAD_REQUEST' : 'API_UNAVAILABLE', message: errorMessage(err) });
      }
    });

    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  },
};
