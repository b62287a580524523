/**
 * @kedge/kube-lite — an embedded Kubernetes-compatible API server (HTTPS,
 * SQLite store) with built-in controllers, that kubectl and
 * @kubernetes/client-node use unchanged.
 *
 * @example
 * import { startKubeLite } from '@kedge/kube-lite';
 *
 * const kube = await startKubeLite({ dataDir: '.kedge/kube-lite', port: 0 });
 * console.log(`KUBECONFIG=${kube.kubeconfigPath} kubectl get nodes`);
 * // In process, as controllers do:
 * const pods = kube.api.list({ group: '', version: 'v1', resource: 'pods' }, { namespace: 'default' });
 * await kube.stop();
 */
export { startKubeLite } from './kube-lite';
export type { KubeLite } from './kube-lite';
export type { KubeLiteOptions, KubeLiteLogger, KubeLiteLogLevel } from './options';
export { ApiError, KubeLiteConfigError, KubeLiteStoreError } from './errors';
export type { Status, StatusCause, StatusReason } from './errors';
export type {
  Controller,
  ControllerApi,
  DeleteOptions,
  KubeObject,
  ListOptions,
  ObjectMeta,
  OwnerReference,
  ResourceRef,
  WatchEvent,
  WatchEventType,
} from './controllers/api';
