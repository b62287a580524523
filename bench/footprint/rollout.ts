// The rollout half of the footprint run: `kubectl apply` of a Deployment,
// watched (not polled) until every replica is Running, and cloudcore's
// per-node byte counters around it.
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { waitFor } from '@kedge/testkit';

export interface RolloutMarks {
  /** All replicas have spec.nodeName (created and scheduled in the API). */
  allBoundAt: number;
  /** The first replica reported Running by the edge. */
  firstRunningAt: number;
  allRunningAt: number;
}

interface WatchedPod {
  metadata: { uid: string };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

/** Resolves once a watch on pods labelled app=<app> in `default` is open; `done` resolves when `count` are Running. */
export async function watchRollout(
  kubeconfig: string,
  app: string,
  count: number,
): Promise<{ done: Promise<RolloutMarks> }> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const pods = new Map<string, WatchedPod>();
  const marks: Partial<RolloutMarks> = {};
  let settle!: (marks: RolloutMarks) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<RolloutMarks>((resolvePromise, reject) => ([settle, fail] = [resolvePromise, reject]));
  const abort = await new Watch(kc).watch(
    '/api/v1/namespaces/default/pods',
    { labelSelector: `app=${app}` },
    (type, pod: WatchedPod) => {
      const now = performance.now();
      if (type === 'DELETED') pods.delete(pod.metadata.uid);
      else pods.set(pod.metadata.uid, pod);
      const all = [...pods.values()];
      const running = all.filter((p) => p.status?.phase === 'Running').length;
      if (all.filter((p) => p.spec?.nodeName).length >= count) marks.allBoundAt ??= now;
      if (running >= 1) marks.firstRunningAt ??= now;
      if (running >= count) settle({ ...(marks as RolloutMarks), allRunningAt: now });
    },
    (err: unknown) => (err ? fail(err as Error) : undefined),
  );
  // Wrapped: an async function returning the promise itself would wait for it.
  return { done: done.finally(() => abort.abort()) };
}

/** Sums cloudcore's wire and payload byte counters (both directions) for one node. */
export function nodeBytes(metrics: string, node: string): { wire: number; payload: number } {
  const sum = (name: string) =>
    [...metrics.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))]
      .filter((m) => (m[1] as string).includes(`node="${node}"`))
      .reduce((total, m) => total + Number(m[2]), 0);
  return {
    wire: sum('kedge_cloudcore_node_wire_bytes_total'),
    payload: sum('kedge_cloudcore_node_payload_bytes_total'),
  };
}

/** Resolves once `read` has not changed for `quietMs` (the statuses after Running have settled); at most 20 s. */
export async function settled(read: () => Promise<number>, quietMs: number): Promise<number> {
  let last = await read();
  let since = performance.now();
  return waitFor(
    async () => {
      const now = await read();
      if (now !== last) [last, since] = [now, performance.now()];
      return performance.now() - since >= quietMs ? now : undefined;
    },
    { description: 'byte counters to settle', timeoutMs: 20_000, intervalMs: 250 },
  );
}
