import { formatObjectKey } from '@kedge/protocol';
import { startEventBus } from '../eventbus';
import type { Outbox } from '../metastore';
import { DeviceTwinManager, type ReportedUpdate } from '../twin';
import { aborted, type Module } from './context';

/**
 * The outbox keeps one entry per device, but a ReportedUpdate names only
 * what changed: merge it into the queued one so nothing is lost to coalescing.
 */
export function mergeReported(queued: ReportedUpdate | undefined, update: ReportedUpdate): ReportedUpdate {
  if (!queued) return update;
  const twins = new Map(queued.twins.map((t) => [t.propertyName, t]));
  for (const twin of update.twins) twins.set(twin.propertyName, { ...twins.get(twin.propertyName), ...twin });
  return { ...queued, ...update, twins: [...twins.values()] };
}

export function queueReported(outbox: Outbox, update: ReportedUpdate): void {
  const key = formatObjectKey({ kind: 'Device', namespace: update.namespace, name: update.name });
  const queued = outbox.get(key);
  const previous = queued ? (JSON.parse(new TextDecoder().decode(queued.body)) as ReportedUpdate) : undefined;
  outbox.enqueue(key, 'deviceTwinReported', new TextEncoder().encode(JSON.stringify(mergeReported(previous, update))));
}

/** MQTT broker and device twins; off when mqtt.enabled is false. */
export const devicesModule: Module = {
  name: 'devices',
  async start(ctx, signal) {
    const { mqtt, nodeName } = ctx.config;
    const log = ctx.log.child({ module: 'devices' });
    if (!mqtt.enabled) {
      ctx.services.provide('twin', undefined);
      log.info('mqtt disabled: no device twins on this node');
      return aborted(signal);
    }
    const store = await ctx.services.need('metastore');
    const bus = await startEventBus({ host: mqtt.host, port: mqtt.port }, signal, {
      onHandlerError: (error, topic) => log.error('mqtt handler failed', { topic, error }),
    });
    const twin = new DeviceTwinManager({
      db: store.db,
      nodeName,
      bus,
      onReported: (update) => queueReported(store.outbox, update),
      onError: (error, topic) => log.error('twin failed', { topic, error }),
    });
    await twin.start();
    ctx.services.provide('twin', twin);
    log.info('mqtt broker listening', { url: bus.url, devices: twin.listDevices().length });
    await aborted(signal);
    await twin.stop();
    await bus.close();
  },
};
