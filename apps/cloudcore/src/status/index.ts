/**
 * status: edge -> cloud statuses. Each session gets a StatusPipeline
 * (coalesced per key, acked after the API write, retried with backoff);
 * writers per status kind come from ctx.statusHandlers: pod status and pod
 * deletion here, node status from nodes/.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { CloudModule } from '../context';
import type { EdgeSession } from '../hub/registry';
import { LANE_SOCKETS } from '../kubeconfig';
import { StatusPipeline } from './pipeline';
import { WriteSlots } from './write-slots';
import { podDeletedWriter, podStatusWriter } from './pods';

export { StatusHandlers, type StatusOutcome, type StatusWriter } from './handlers';

export const statusModule: CloudModule = {
  name: 'status',
  async start(ctx, signal) {
    const log = ctx.log.child('status');
    const core = ctx.kube.makeApiClient(CoreV1Api);
    const pipelines = new Map<EdgeSession, StatusPipeline>();
    // As many writes in flight as the API connection pool has connections: more would only queue there.
    const slots = new WriteSlots(LANE_SOCKETS.bulk);
    ctx.sessions.onOpen((session) => {
      pipelines.set(
        session,
        new StatusPipeline(session, ctx.statusHandlers, ctx.metrics, log, ctx.config.statusRetryMaxMs, slots),
      );
    });
    ctx.sessions.onClose((session) => {
      pipelines.delete(session);
    });
    ctx.sessions.handle('status', (session, frame) => {
      pipelines.get(session)?.submit(frame);
    });
    ctx.statusHandlers.register('podStatus', podStatusWriter(core, ctx.index.promise));
    ctx.statusHandlers.register('podDeleted', podDeletedWriter(core, ctx.index.promise));
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  },
};
