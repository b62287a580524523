/**
 * edge-sync: what each node should hold and getting it there. Shared
 * informers feed a NodeIndex; each session gets a NodeSync that turns the
 * edge's manifest into the difference to send, then fans out live changes.
 *
 *   const index = await ctx.index.promise;
 *   index.boundTo('edge-1', podUid); // the pod, if bound to edge-1
 */
import { withDefaults } from '@kedge/protocol';
import type { CloudModule } from '../context';
import type { EdgeSession } from '../hub/registry';
import { runInformers } from './informers';
import { NodeIndex } from './node-index';
import { NodeSync } from './node-sync';

export { NodeIndex, type IndexedObject, type ObjectMeta, type SyncedKind } from './node-index';
export type { DigestMatch } from './node-sync';
export { podReferences } from './references';

export const edgeSyncModule: CloudModule = {
  name: 'edge-sync',
  async start(ctx, signal) {
    const log = ctx.log.child('edge-sync');
    const limits = withDefaults();
    const index = new NodeIndex();
    const syncs = new Map<EdgeSession, NodeSync>();
    let resolveSynced!: () => void;
    const synced = new Promise<void>((resolve) => (resolveSynced = resolve));
    ctx.readiness.require('informers');

    index.onChange((node, meta) => {
      const session = ctx.sessions.get(node);
      if (session) syncs.get(session)?.changed(meta);
    });
    ctx.sessions.onOpen(async (session) => {
      const sync = new NodeSync(session, index, ctx.metrics, limits);
      syncs.set(session, sync);
      if (!session.hello.manifestDigest) return;
      await synced;
      const held = sync.matchDigest(session.hello.manifestDigest);
      ctx.metrics.resumes.inc({ by: held ? 'digest' : 'manifest' });
      if (held) session.resumeByDigest(() => sync.resume(held));
    });
    ctx.sessions.onClose((session) => {
      syncs.delete(session);
    });
    ctx.sessions.handle('manifest', async (session, frame) => {
      const sync = syncs.get(session);
      if (!sync) return;
      // A diff against a half-listed index would delete what the edge rightly holds.
      await synced;
      if (sync.onManifest(frame)) log.debug('resync queued', { node: session.nodeName, ...session.queueStats() });
    });

    const stop = await runInformers(ctx.kube, index, log, signal);
    ctx.index.resolve(index);
    resolveSynced();
    ctx.readiness.set('informers', true);
    log.info('informers synced', { objects: index.size });
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    await stop();
  },
};
