/**
 * The benchmark's workload, applied as an operator would: Deployments and a
 * DaemonSet pinned to the hollow fleet by a node label. A watch on pods
 * timestamps each pod when the API first shows it and when it first shows
 * it Running; the difference is the pod startup latency.
 */
import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubeConfig,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** AlreadyExists is fine (a previous run, or a real cluster); anything else is not. */
const ignoreConflict = (err: unknown): void => {
  if ((err as { code?: number }).code !== 409) throw err;
};
export const NAMESPACE = 'scale-bench';
export const FLEET_LABEL = 'kedge.io/hollow-fleet';

interface PodTimes {
  seenAt: number;
  createdAt: number;
  boundAt?: number;
  runningAt?: number;
  /** The scheduler's last word while the pod is unbound and unschedulable. */
  unschedulable?: string;
}

/** Watches the benchmark's pods and the fleet's nodes. */
export class ClusterWatch {
  readonly pods = new Map<string, PodTimes>();
  readonly readyNodes = new Set<string>();
  private readonly aborts: AbortController[] = [];

  constructor(
    private readonly kube: KubeConfig,
    private readonly fleet: string,
  ) {}

  async start(): Promise<void> {
    const watch = new Watch(this.kube);
    const run = async (path: string, query: Record<string, string>, onEvent: (type: string, obj: unknown) => void) => {
      const loop = async (): Promise<void> => {
        const ctrl = await watch.watch(path, { ...query, allowWatchBookmarks: 'true' }, onEvent, () => {
          // A watch may end (timeout, server restart); the caches only grow, so a re-list is not needed.
          if (!this.stopped) setTimeout(() => void loop().catch(() => undefined), 500);
        });
        this.aborts.push(ctrl);
      };
      await loop();
    };
    await run(`/api/v1/namespaces/${NAMESPACE}/pods`, {}, (type: string, pod) => this.onPod(type, pod as V1Pod));
    await run('/api/v1/nodes', { labelSelector: `${FLEET_LABEL}=${this.fleet}` }, (_t: string, node) =>
      this.onNode(node as V1Node),
    );
  }

  private stopped = false;

  private onPod(type: string, pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid || type === 'DELETED' || type === 'BOOKMARK') return;
    const now = Date.now();
    let times = this.pods.get(uid);
    if (!times) {
      const created = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).getTime() : now;
      // creationTimestamp has whole seconds; the watch sees a new pod within milliseconds, so take the later.
      times = { seenAt: now, createdAt: Math.max(created, Math.min(now, created + 999)) };
      this.pods.set(uid, times);
    }
    if (pod.spec?.nodeName && times.boundAt === undefined) times.boundAt = now;
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    times.unschedulable =
      times.boundAt === undefined && scheduled?.status === 'False' ? (scheduled.message ?? '') : undefined;
    if (pod.status?.phase === 'Running' && times.runningAt === undefined) times.runningAt = now;
  }

  private onNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (ready) this.readyNodes.add(name);
    else this.readyNodes.delete(name);
  }

  /** Pods first seen at or after `sinceMs`: how many, how many Running, and startup latencies (ms). */
  podsSince(sinceMs: number): { total: number; running: number; latencies: number[] } {
    let total = 0;
    const latencies: number[] = [];
    for (const t of this.pods.values()) {
      if (t.seenAt < sinceMs) continue;
      total++;
      if (t.runningAt !== undefined) latencies.push(t.runningAt - Math.min(t.seenAt, t.createdAt));
    }
    return { total, running: latencies.length, latencies };
  }

  /**
   * Where the pods first seen at or after `sinceMs` stand in scheduling: how many
   * are bound to a node, how many the scheduler could not place, and its most
   * frequent message for those (what a stalled rollout waits on).
   */
  schedulingSince(sinceMs: number): { bound: number; unschedulable: number; topReason?: string } {
    let bound = 0;
    const reasons = new Map<string, number>();
    for (const t of this.pods.values()) {
      if (t.seenAt < sinceMs) continue;
      if (t.boundAt !== undefined) bound++;
      else if (t.unschedulable !== undefined) reasons.set(t.unschedulable, (reasons.get(t.unschedulable) ?? 0) + 1);
    }
    const unschedulable = [...reasons.values()].reduce((a, b) => a + b, 0);
    const top = [...reasons].sort((a, b) => b[1] - a[1])[0];
    return { bound, unschedulable, ...(top ? { topReason: `${top[1]}× ${top[0]}` } : {}) };
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
  }
}

export function percentiles(values: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

function podTemplate(app: string, fleet: string) {
  return {
    metadata: { labels: { app } },
    spec: {
      nodeSelector: { [FLEET_LABEL]: fleet },
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'main',
          image: 'kedge.local/busybox:1',
          command: ['sleep', '3600'],
          resources: { requests: { cpu: '1m', memory: '1Mi' } },
        },
      ],
    },
  };
}

/** A DaemonSet (one pod per node) plus Deployments for the other podsPerNode - 1 pods per node. */
export async function applyWorkload(
  kube: KubeConfig,
  fleet: string,
  nodes: number,
  podsPerNode: number,
): Promise<number> {
  const core = kube.makeApiClient(CoreV1Api);
  const apps = kube.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } }).catch(ignoreConflict);
  let expected = 0;
  if (podsPerNode >= 1) {
    await apps.createNamespacedDaemonSet({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'per-node' },
        spec: { selector: { matchLabels: { app: 'per-node' } }, template: podTemplate('per-node', fleet) },
      },
    });
    expected += nodes;
  }
  const rest = nodes * Math.max(0, podsPerNode - 1);
  const perDeployment = 5_000;
  for (let i = 0; i * perDeployment < rest; i++) {
    const replicas = Math.min(perDeployment, rest - i * perDeployment);
    const app = `apps-${i}`;
    await apps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: app },
        spec: { replicas, selector: { matchLabels: { app } }, template: podTemplate(app, fleet) },
      },
    });
    expected += replicas;
  }
  return expected;
}

/** The churn Deployment: created at 0 replicas, then grown by `perSecond` every second. */
export async function churn(
  kube: KubeConfig,
  fleet: string,
  perSecond: number,
  seconds: number,
): Promise<{ startedAt: number; created: number }> {
  const apps = kube.makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({
    namespace: NAMESPACE,
    body: {
      metadata: { name: 'churn' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'churn' } }, template: podTemplate('churn', fleet) },
    },
  });
  const startedAt = Date.now();
  let replicas = 0;
  for (let s = 1; s <= seconds; s++) {
    replicas += perSecond;
    await apps.patchNamespacedDeploymentScale(
      { name: 'churn', namespace: NAMESPACE, body: { spec: { replicas } } },
      mergePatch,
    );
    const wait = startedAt + s * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return { startedAt, created: replicas };
}
