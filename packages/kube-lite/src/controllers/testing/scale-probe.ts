// Measures the controllers at scale on a real kube-lite: `nodes` Ready nodes,
// then Deployments totalling `pods` replicas, until every pod is bound.
// For bench/ to call and print as one JSON line; not a unit test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeLite } from '../../kube-lite';
import { DEPLOYMENTS, PODS } from '../runtime/resources';
import { addNode } from './cluster';

export interface ScaleProbeOptions {
  /** Nodes to register (16 CPU, 32 GiB each). Default 1_000. */
  nodes?: number;
  /** Pods in total, spread over `deployments` Deployments. Default 10_000. */
  pods?: number;
  /** Default 10. */
  deployments?: number;
  /** Give up after this long. Default 300_000 ms. */
  timeoutMs?: number;
}

export interface ScaleProbeResult {
  nodes: number;
  pods: number;
  boundPods: number;
  /** From creating the Deployments until the last pod is bound. */
  allBoundMs: number;
  minPodsPerNode: number;
  maxPodsPerNode: number;
  /** CPU this process spent from creating the Deployments until the last pod was bound. */
  cpuMs: number;
  /** Longest the event loop was blocked, sampled every 50 ms. */
  maxEventLoopLagMs: number;
  rssMb: number;
}

export async function scaleProbe(options: ScaleProbeOptions = {}): Promise<ScaleProbeResult> {
  const { nodes = 1_000, pods = 10_000, deployments = 10, timeoutMs = 300_000 } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'kube-lite-scale-'));
  const kube = await startKubeLite({ dataDir, port: 0, log: () => {} });
  try {
    const { api } = kube;
    for (let i = 0; i < nodes; i++) addNode(api, `node-${i}`, { cpu: '16', memory: '32Gi' });
    const bound = new Map<string, string>();
    const stopWatch = api.watch(PODS, (e) => {
      const node = (e.object.spec as { nodeName?: string } | undefined)?.nodeName;
      if (node && e.type !== 'DELETED') bound.set(e.object.metadata.name, node);
    });
    let lag = 0;
    let last = performance.now();
    const lagTimer = setInterval(() => {
      const now = performance.now();
      lag = Math.max(lag, now - last - 50);
      last = now;
    }, 50);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let d = 0; d < deployments; d++) {
      const labels = { app: `probe-${d}` };
      api.create(DEPLOYMENTS, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `probe-${d}`, namespace: 'default' },
        spec: {
          replicas: Math.ceil(pods / deployments),
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                { name: 'c', image: 'kedge.local/busybox:1', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
              ],
            },
          },
        },
      });
    }
    const want = Math.ceil(pods / deployments) * deployments;
    while (bound.size < want && performance.now() - start < timeoutMs)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const allBoundMs = Math.round(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    clearInterval(lagTimer);
    stopWatch();
    const perNode = new Map<string, number>();
    for (const node of bound.values()) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    const counts = [...perNode.values()];
    return {
      nodes,
      pods: want,
      boundPods: bound.size,
      allBoundMs,
      minPodsPerNode: perNode.size < nodes ? 0 : Math.min(...counts),
      maxPodsPerNode: Math.max(0, ...counts),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      maxEventLoopLagMs: Math.round(lag),
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
  } finally {
    await kube.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
