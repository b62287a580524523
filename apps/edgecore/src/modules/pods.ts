import { formatObjectKey } from '@kedge/protocol';
import { PodManager, type KubeObject, type Pod } from '../pods';
import { join } from 'node:path';
import { DockerRuntime, PodBridge, SimulatedRuntime, type ContainerRuntime } from '../runtime';
import { aborted, type Module } from './context';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/**
 * Container runtime and pod manager. Pods are rebuilt from the store before
 * the cloud is reached, so a node restarted offline runs (and adopts) what
 * it ran before.
 */
export const podsModule: Module = {
  name: 'pods',
  async start(ctx, signal) {
    const { config } = ctx;
    const log = ctx.log.child({ module: 'pods' });
    const store = await ctx.services.need('metastore');
    const { podNetwork, bridge, podSubnet } = config.runtime;
    const runtime: ContainerRuntime =
      config.runtime.type === 'docker'
        ? new DockerRuntime({
            socketPath: config.runtime.dockerSocket,
            ...(podNetwork === 'bridge'
              ? {
                  podBridge: new PodBridge({
                    nodeName: config.nodeName,
                    bridge,
                    subnet: podSubnet,
                    filesDir: join(config.dataDir, 'pod-network'),
                    warn: (message, fields) => log.warn(message, fields),
                  }),
                }
              : {}),
            warn: (message, fields) => log.warn(message, fields),
          })
        : new SimulatedRuntime();
    ctx.services.provide('runtime', runtime);
    const pods = new PodManager({
      runtime,
      nodeName: config.nodeName,
      volumeDir: config.dataDir,
      log,
      resolve: (kind, namespace, name) => {
        const stored = store.objects.getByName(kind, namespace, name);
        return stored ? (JSON.parse(stored.body) as KubeObject) : undefined;
      },
    });
    pods.onStatus((ref, status) => {
      store.outbox.enqueue(
        formatObjectKey({ kind: 'Pod', namespace: ref.namespace, name: ref.name }),
        'podStatus',
        json(status),
        ref.uid,
      );
    });
    pods.onRemoved((ref) => {
      store.outbox.enqueue(
        formatObjectKey({ kind: 'Pod', namespace: ref.namespace, name: ref.name }),
        'podDeleted',
        json({ uid: ref.uid }),
        ref.uid,
      );
    });
    let rebuilt = 0;
    for (const stored of store.objects.list('Pod')) {
      try {
        pods.upsertPod(JSON.parse(stored.body) as Pod);
        rebuilt++;
      } catch (error) {
        log.error('stored pod cannot run', { namespace: stored.namespace, name: stored.name, uid: stored.uid, error });
      }
    }
    ctx.services.provide('pods', pods);
    await pods.start(signal);
    log.info('pods started', { rebuiltFromStore: rebuilt, runtime: config.runtime.type });
    await aborted(signal);
    await pods.stop();
  },
};
