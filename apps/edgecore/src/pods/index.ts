/**
 * Runs the pods bound to this node and reports their status, like a small kubelet.
 * Knows nothing of the cloud channel: it takes Pod JSON and emits PodStatus.
 *
 * @example
 * import { PodManager } from './pods';
 * import { DockerRuntime } from './runtime';
 * const pods = new PodManager({
 *   runtime: new DockerRuntime(),
 *   nodeName: 'edge-1',
 *   resolve: (kind, namespace, name) => store.get(kind, namespace, name),
 *   volumeDir: '/var/lib/kedge',
 * });
 * pods.onStatus((ref, status) => outbox.put(ref.uid, status));
 * pods.onRemoved((ref) => outbox.podGone(ref.uid));
 * for (const pod of store.pods()) pods.upsertPod(pod);
 * await pods.start(signal);            // adopts running containers, then reconciles
 * pods.upsertPod(podFromCloud);
 * await pods.configChanged('ConfigMap', 'default', 'app-config');
 * await pods.removePod(uid);            // graceful: SIGTERM, then SIGKILL after the grace period
 */
export { PodManager, type RemovedListener, type StatusListener } from './manager';
export type { Clock, PodLogger, PodManagerOptions } from './options';
export type { Resolve } from './env';
export type {
  Container,
  ContainerStatus,
  KubeObject,
  Pod,
  PodCondition,
  PodPhase,
  PodRef,
  PodSpec,
  PodStatus,
  Probe,
  Volume,
} from './kube-types';
