// Assembles the API server: data dir, PKI, token, store, registry, the
// object services, the HTTPS listener and the kubeconfig.
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ControllerApi } from '../controllers/api';
import { KubeLiteConfigError } from '../errors';
import type { ResolvedOptions } from '../options';
import { writeKubeconfig, loadToken } from '../pki/kubeconfig';
import { loadTls } from '../pki/tls';
import { builtinResources } from '../registry/builtin';
import { Registry } from '../registry/registry';
import { bootstrap } from '../service/bootstrap';
import { InProcessApi } from '../service/controller-api';
import { Deleter } from '../service/deletion';
import { startEventExpiry } from '../service/event-ttl';
import { GraceTimers } from '../service/grace';
import { ObjectService } from '../service/objects';
import { Store } from '../store/store';
import { createApiServer } from './http';

export interface ApiServerHandle {
  url: string;
  kubeconfigPath: string;
  token: string;
  caPem: string;
  api: ControllerApi;
  close(): Promise<void>;
}

export async function startApiServer(options: ResolvedOptions): Promise<ApiServerHandle> {
  const { dataDir, log } = options;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new KubeLiteConfigError(
      `cannot create the data dir ${dataDir}: ${(cause as Error).message}; pass a writable directory`,
      'dataDir',
      { cause },
    );
  }
  const [tls, token] = await Promise.all([loadTls(dataDir, [options.host]), loadToken(dataDir)]);
  const store = new Store({
    path: join(dataDir, 'kube-lite.db'),
    historyLimit: options.historyLimit,
    onPersistError: (error) =>
      log('error', 'writing the store failed; memory is ahead of disk', {
        error: error instanceof Error ? error.message : String(error),
      }),
    onListenerError: (error, event) =>
      log('error', 'a watch listener failed', {
        resource: event.rkey,
        type: event.type,
        name: event.object.metadata.name,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  });
  const registry = new Registry();
  for (const def of builtinResources()) registry.add(def);
  const objects = new ObjectService(store, registry);
  const timers = new GraceTimers((def, ns, name, uid) => deleter.expire(def, ns, name, uid));
  const deleter: Deleter = new Deleter(objects, (def, pod, atMs) => timers.schedule(def, pod, atMs));
  const stopBootstrap = bootstrap(objects, registry);
  const stopEventExpiry = startEventExpiry(
    objects,
    registry.find('', 'v1', 'events')!,
    options.eventTtlMs,
    Math.min(60_000, options.eventTtlMs),
  );
  const podsDef = registry.find('', 'v1', 'pods')!;
  for (const s of store.list('pods')) {
    const m = s.object.metadata;
    if (m.deletionTimestamp && (m.deletionGracePeriodSeconds ?? 0) > 0)
      timers.schedule(podsDef, s.object, Date.parse(m.deletionTimestamp));
  }

  let address = `${options.host}:${options.port}`;
  const server = createApiServer({
    tls,
    token,
    registry,
    log,
    serverAddress: () => address,
    resources: {
      objects,
      deleter,
      maxBodyBytes: options.maxBodyBytes,
      watch: {
        bookmarkIntervalMs: options.watchBookmarkIntervalMs,
        defaultTimeoutMs: options.watchTimeoutMs,
        maxBufferedBytes: options.watchMaxBufferedBytes,
      },
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    store.close();
    throw new KubeLiteConfigError(
      `cannot listen on ${options.host}:${options.port}: ${(cause as Error).message}; pick another port or host`,
      'port',
      { cause },
    );
  }
  const port = (server.address() as AddressInfo).port;
  const clientHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const hostPart = clientHost.includes(':') ? `[${clientHost}]` : clientHost;
  address = `${hostPart}:${port}`;
  const url = `https://${address}`;
  const kubeconfigPath = await writeKubeconfig(dataDir, url, tls.caPem, token);
  log('info', 'kube-lite API server listening', { url, kubeconfig: kubeconfigPath });

  return {
    url,
    kubeconfigPath,
    token,
    caPem: tls.caPem,
    api: new InProcessApi(registry, objects, deleter),
    close: async () => {
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      stopBootstrap();
      stopEventExpiry();
      store.close();
    },
  };
}
