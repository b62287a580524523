/**
 * One shared watch per kind for the whole fleet (never one per node), fed to
 * the NodeIndex. An informer that fails is restarted with backoff; its cache
 * resyncs by listing again.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  type KubeConfig,
  type KubernetesObject,
  type KubernetesListObject,
} from '@kubernetes/client-node';
import { errorMessage } from '../errors';
import { isNotFound } from '../kube';
import type { Logger } from '../log';
import type { NodeIndex, SyncedKind } from './node-index';
import { StringInterner } from './intern';
import { slimInPlace } from './slim';

const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;
/** A CRD installed after cloudcore started is picked up within this. */
const ABSENT_API_RETRY_MAX_MS = 10_000;

type List = KubernetesListObject<KubernetesObject>;

interface WatchedKind {
  readonly kind: SyncedKind;
  readonly path: string;
  readonly list: (apis: { core: CoreV1Api; custom: CustomObjectsApi }) => Promise<List>;
  /** A CRD that may not be installed yet: an absent API lists as empty until it appears. */
  readonly optional?: boolean;
}

const DEVICES = { group: 'devices.kubeedge.io', version: 'v1beta1' };

const KINDS: readonly WatchedKind[] = [
  { kind: 'Pod', path: '/api/v1/pods', list: ({ core }) => core.listPodForAllNamespaces() },
  { kind: 'ConfigMap', path: '/api/v1/configmaps', list: ({ core }) => core.listConfigMapForAllNamespaces() },
  { kind: 'Secret', path: '/api/v1/secrets', list: ({ core }) => core.listSecretForAllNamespaces() },
  {
    kind: 'Device',
    path: '/apis/devices.kubeedge.io/v1beta1/devices',
    list: ({ custom }) => custom.listClusterCustomObject({ ...DEVICES, plural: 'devices' }) as Promise<List>,
    optional: true,
  },
  {
    kind: 'DeviceModel',
    path: '/apis/devices.kubeedge.io/v1beta1/devicemodels',
    list: ({ custom }) => custom.listClusterCustomObject({ ...DEVICES, plural: 'devicemodels' }) as Promise<List>,
    optional: true,
  },
];

const EMPTY_LIST: List = { items: [], metadata: {} };

/**
 * Starts the informers; resolves once each has listed and put the list in
 * the index (the watch may still be connecting: some API servers send a
 * watch's headers only with its first event). A failing informer restarts
 * with backoff.
 */
export async function runInformers(
  kube: KubeConfig,
  index: NodeIndex,
  log: Logger,
  signal: AbortSignal,
): Promise<() => Promise<void>> {
  const apis = { core: kube.makeApiClient(CoreV1Api), custom: kube.makeApiClient(CustomObjectsApi) };
  const listed: Promise<void>[] = [];
  // What the index keeps: trimmed, with repeated strings shared across objects.
  const interner = new StringInterner();
  const informers = KINDS.map(({ kind, path, list, optional }) => {
    let markListed!: () => void;
    listed.push(new Promise<void>((resolve) => (markListed = resolve)));
    const informer = makeInformer(kube, path, async () => {
      let result: List;
      try {
        result = await list(apis);
      } catch (err) {
        if (!optional || !isNotFound(err)) throw err;
        result = EMPTY_LIST; // the CRD is not installed (yet); the watch fails and the list is retried with backoff
      }
      // The informer indexes the list in the microtasks after this returns; a macrotask later it is done.
      setImmediate(markListed);
      return result;
    });
    const keep = (obj: KubernetesObject) => index.upsert(kind, interner.internValues(slimInPlace(kind, obj)));
    informer.on('add', keep);
    informer.on('update', keep);
    informer.on('delete', (obj) => index.remove(kind, obj));
    let delay = RESTART_MIN_MS;
    const restart = (err: unknown) => {
      if (signal.aborted) return;
      const fields = { kind, error: errorMessage(err), retryInMs: delay };
      if (optional && isNotFound(err)) log.debug('API not installed; retrying', fields);
      else log.warn('watch failed; restarting', fields);
      setTimeout(() => {
        if (!signal.aborted) informer.start().catch(restart);
      }, delay).unref();
      delay = Math.min(delay * 2, optional && isNotFound(err) ? ABSENT_API_RETRY_MAX_MS : RESTART_MAX_MS);
    };
    informer.on('error', restart);
    informer.start().then(() => (delay = RESTART_MIN_MS), restart);
    return informer;
  });
  await Promise.race([
    Promise.all(listed),
    new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })),
  ]);
  return async () => {
    await Promise.all(informers.map((informer) => informer.stop()));
  };
}
