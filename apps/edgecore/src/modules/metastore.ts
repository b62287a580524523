import { openMetastore } from '../metastore';
import { aborted, type Module } from './context';

/** Opens the SQLite store under dataDir; closes it once every other module has stopped. */
export const metastoreModule: Module = {
  name: 'metastore',
  async start(ctx, signal) {
    const store = openMetastore(ctx.config.dataDir);
    ctx.log.info('store opened', {
      dataDir: ctx.config.dataDir,
      objects: store.objects.counts(),
      outbox: store.outbox.size(),
    });
    ctx.services.provide('metastore', store);
    await aborted(signal);
    // The others stop on the same signal and may still write; the app closes the store after them (see app.ts).
  },
};
