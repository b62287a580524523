import { describe, expect, it } from 'vitest';
import { configsHandler } from './configs';
import { devicesHandler } from './devices';
import { podsHandler } from './pods';
import { HandlerRegistry, type EdgeObject } from './registry';

const obj = (kind: string, name: string, body: Record<string, unknown> = {}): EdgeObject => ({
  kind,
  namespace: 'default',
  name,
  uid: `${kind}-${name}`,
  resourceVersion: '1',
  body: { metadata: { name, namespace: 'default' }, ...body },
});

describe('handlers', () => {
  it('refuses two handlers for one kind', () => {
    const registry = new HandlerRegistry().register(podsHandler({ upsertPod: () => {}, removePod: () => {} }));
    expect(() => registry.register({ name: 'again', kinds: ['Pod'], upsert: () => {}, remove: () => {} })).toThrow(
      /Pod already has handler pods/,
    );
  });

  it('routes pods to upsertPod/removePod by uid', async () => {
    const calls: string[] = [];
    const handler = podsHandler({
      upsertPod: (p) => void calls.push(`up ${(p.metadata as { name: string }).name}`),
      removePod: (uid) => void calls.push(`rm ${uid}`),
    });
    await handler.upsert(obj('Pod', 'web'));
    await handler.remove(obj('Pod', 'web'));
    expect(calls).toEqual(['up web', 'rm Pod-web']);
  });

  it('tells the pods when a ConfigMap or Secret changes or goes', async () => {
    const calls: string[] = [];
    const handler = configsHandler({ configChanged: (kind, ns, name) => void calls.push(`${kind} ${ns}/${name}`) });
    await handler.upsert(obj('ConfigMap', 'cfg'));
    await handler.remove(obj('Secret', 'tls'));
    expect(calls).toEqual(['ConfigMap default/cfg', 'Secret default/tls']);
  });

  it('applies a device with its stored model, and re-applies devices when their model changes', async () => {
    const applied: string[] = [];
    const removed: string[] = [];
    const lane = obj('Device', 'lane-1', { spec: { deviceModelRef: { name: 'lane-model' } } });
    const other = obj('Device', 'cam-1', { spec: { deviceModelRef: { name: 'cam-model' } } });
    const model = obj('DeviceModel', 'lane-model', { spec: { properties: [] } });
    const handler = devicesHandler<EdgeObject['body'], EdgeObject['body']>(
      {
        applyDevice: async (device, m) =>
          void applied.push(
            `${(device.metadata as { name: string }).name}+${m ? (m.metadata as { name: string }).name : 'none'}`,
          ),
        removeDevice: async (id) => void removed.push(id),
      },
      {
        model: (_ns, name) => (name === 'lane-model' ? model.body : undefined),
        devices: () => [lane.body, other.body],
      },
    );
    await handler.upsert(lane);
    await handler.upsert(other);
    await handler.upsert(model);
    await handler.remove(lane);
    expect(applied).toEqual(['lane-1+lane-model', 'cam-1+none', 'lane-1+lane-model']);
    expect(removed).toEqual(['default/lane-1']);
  });
});
