import { EDGECORE_VERSION } from '../hub-client';
import { NodeReporter } from '../node';
import type { Module } from './context';

/** The node's status, queued on change and every 5 minutes. */
export const nodeModule: Module = {
  name: 'node',
  async start(ctx, signal) {
    const store = await ctx.services.need('metastore');
    const runtime = await ctx.services.need('runtime');
    const reporter = new NodeReporter({
      nodeName: ctx.config.nodeName,
      outbox: store.outbox,
      maxPods: ctx.config.node.maxPods,
      dataDir: ctx.config.dataDir,
      agentVersion: EDGECORE_VERSION,
      runtimeVersion: async () => {
        const v = await runtime.version();
        return `${v.name}://${v.version}`;
      },
      log: ctx.log.child({ module: 'node' }),
    });
    await reporter.run(signal);
  },
};
