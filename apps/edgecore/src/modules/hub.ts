import { withDefaults as frameLimits } from '@kedge/protocol';
import {
  configsHandler,
  devicesHandler,
  HandlerRegistry,
  HubClient,
  podsHandler,
  runCertRenewal,
  webSocketDialer,
} from '../hub-client';
import type { Pod } from '../pods';
import type { DeviceModelObject, DeviceObject } from '../twin';
import type { Module } from './context';

/** The cloud channel and the node certificate's renewal. */
export const hubModule: Module = {
  name: 'hub-client',
  async start(ctx, signal) {
    const { config } = ctx;
    const log = ctx.log.child({ module: 'hub-client' });
    const store = await ctx.services.need('metastore');
    const pods = await ctx.services.need('pods');
    const twin = await ctx.services.need('twin');

    const handlers = new HandlerRegistry()
      .register(
        podsHandler({
          upsertPod: (pod) => pods.upsertPod(pod as unknown as Pod),
          removePod: (uid) => pods.removePod(uid),
        }),
      )
      .register(configsHandler(pods));
    if (twin) {
      const parse = (body: string) => JSON.parse(body) as Record<string, unknown>;
      handlers.register(
        devicesHandler<DeviceObject, DeviceModelObject>(twin, {
          model: (namespace, name) => {
            const stored = store.objects.getByName('DeviceModel', namespace, name);
            return stored ? parse(stored.body) : undefined;
          },
          devices: () => store.objects.list('Device').map((d) => parse(d.body)),
        }),
      );
    }
    const limits = frameLimits({});
    const hub = new HubClient({
      nodeName: config.nodeName,
      store,
      handlers,
      log,
      limits,
      dial: webSocketDialer({ ...config.cloud, limits }),
    });
    ctx.services.provide('hub', hub);
    log.info('connecting to cloud', { url: config.cloud.url, proxy: config.cloud.proxy || undefined });
    await Promise.all([
      hub.run(signal),
      runCertRenewal(
        { ...config.cloud, nodeName: config.nodeName, log, onRenewed: () => hub.reconnect('certificate renewed') },
        signal,
      ),
    ]);
  },
};
