/**
 * One scale run: cloud up, fleet joined and ramped, workload rolled out,
 * steady churn, then a reconnect storm. Returns the result record that
 * index.ts prints and e2e/scale.e2e.ts checks.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot, waitFor } from '@kedge/testkit';
import { startCluster, TOKEN, type Cluster } from './cluster';
import { HollowPool } from './hollow-pool';
import type { ChildConfig } from './messages';
import { applyWorkload, churn, ClusterWatch, FLEET_LABEL, percentiles } from './workload';

export interface ScaleOptions {
  nodes: number;
  podsPerNode: number;
  replicas: number;
  /** Hollow-node processes. Default ceil(nodes / 2,500). */
  processes?: number;
  /** Node starts per second across the fleet. Default 100. */
  startPerSecond?: number;
  /** Pods added per second during the churn phase; 0 skips it. Default 10. */
  churnPerSecond?: number;
  churnSeconds?: number;
  /** Kill and restart every replica at the end. Default true. */
  storm?: boolean;
  /** Edges offer permessage-deflate, as edgecore does. Default true. */
  compression?: boolean;
  /** Default: start kube-lite. */
  kubeconfig?: string;
  /** Longest wait of each phase, ms. Default 600,000. */
  phaseTimeoutMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface ScaleResult {
  nodes: number;
  podsPerNode: number;
  replicas: number;
  hollowProcesses: number;
  joinMs: number;
  allNodesReadyMs: number;
  pods: number;
  /** null when not every pod ran within the phase timeout (see rolloutRunning). */
  rolloutAllRunningMs: number | null;
  rolloutRunning: number;
  rolloutLatencyMs: ReturnType<typeof percentiles>;
  churn: {
    /** Wait after the rollout until the cloud side was quiet (settle()), before the first churn pod. */
    settleMs: number;
    pods: number;
    running: number;
    latencyMs: ReturnType<typeof percentiles>;
  } | null;
  cloudcore: {
    rssBytesTotal: number;
    rssBytesBaseline: number;
    rssBytesPerNode: number;
    /** V8 heap used and external memory (Buffers, zlib) per node above the baseline. */
    heapBytesPerNode: number;
    externalBytesPerNode: number;
    cpuMsPerNodeConnect: number;
    steadyCpuPercent: number;
  };
  edgeBytesPerNode: { in: number; out: number };
  hollowRssBytesPerNode: number;
  storm: {
    backMs: number;
    bytesResent: number;
    objectsResent: number;
    podRestarts: number;
    /** CPU the restarted replicas, the hollow processes and the API server spent from the kill until all were back, per node. */
    cloudcoreCpuMsPerNode: number;
    hollowCpuMsPerNode: number;
    /** 0 when the API server is not one this run started (E2E_KUBECONFIG). */
    apiServerCpuMsPerNode: number;
  } | null;
  /** The hollow nodes' hub client warnings over the run, by message (dropped connections, failed dials). */
  edgeWarnings: Record<string, number>;
}

const sumRss = (c: Cluster) => c.replicas.reduce((a, r) => a + r.rssBytes(), 0);
const sumMemory = async (c: Cluster) => {
  const all = await Promise.all(c.replicas.map((r) => r.memory()));
  return {
    heapUsed: all.reduce((a, m) => a + m.heapUsed, 0),
    external: all.reduce((a, m) => a + m.external, 0),
  };
};
const sumCpu = (c: Cluster) => c.replicas.reduce((a, r) => a + r.cpuMs(), 0);

/**
 * CPU of each part since the previous call, in percent of one core: where a
 * slow phase spends the machine. Hollow CPU comes from the pool's stats, which
 * already count from their previous answer.
 */
function cpuShares(c: Cluster): (hollowCpuMs: number) => { apiServer: number; cloudcore: number; hollow: number } {
  let at = Date.now();
  let api = c.apiServerCpuMs();
  let cloud = sumCpu(c);
  return (hollowCpuMs) => {
    const now = Date.now();
    const [api1, cloud1] = [c.apiServerCpuMs(), sumCpu(c)];
    const pct = (ms: number) => Math.round((ms / Math.max(1, now - at)) * 100);
    const shares = { apiServer: pct(api1 - api), cloudcore: pct(cloud1 - cloud), hollow: pct(hollowCpuMs) };
    [at, api, cloud] = [now, api1, cloud1];
    return shares;
  };
}

/** "Quiet": each of cloudcore (all replicas) and the API server under this share of a core over a window. */
const QUIET_CPU_PERCENT = 25;
const QUIET_WINDOW_MS = 2_000;
const SETTLE_MAX_MS = 120_000;

/**
 * Steady churn means churn on a settled cloud: the last status writes and
 * watch events of the rollout still queued in cloudcore or the API server
 * would otherwise delay the first churn pods behind them. Waits until both
 * were quiet over one window (at most SETTLE_MAX_MS); returns the time waited.
 */
async function settle(cluster: Cluster): Promise<number> {
  const startedAt = Date.now();
  const shares = cpuShares(cluster);
  for (;;) {
    await sleep(QUIET_WINDOW_MS);
    const { apiServer, cloudcore } = shares(0);
    const waited = Date.now() - startedAt;
    if ((apiServer < QUIET_CPU_PERCENT && cloudcore < QUIET_CPU_PERCENT) || waited >= SETTLE_MAX_MS) return waited;
  }
}

export async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.phaseTimeoutMs ?? 600_000;
  const { nodes, podsPerNode, replicas } = options;
  const processes = options.processes ?? Math.max(1, Math.ceil(nodes / 2_500));
  const dir = join(repoRoot(), 'tmp', 'bench-scale', String(Date.now()));
  mkdirSync(dir, { recursive: true });
  const fleet = `f${Date.now().toString(36)}`;
  const replicaMany = replicas > 1;
  const cluster = await startCluster({
    replicas,
    dir,
    kubeconfig: options.kubeconfig,
    leaseDurationSeconds: replicaMany ? 15 : 40,
    leaseRenewIntervalMs: replicaMany ? 5_000 : 10_000,
  });
  log('cloud up', { replicas, dir });
  const watch = new ClusterWatch(cluster.kube, fleet);
  const pool = new HollowPool();
  try {
    await watch.start();
    await sleep(2_000);
    const rssBaseline = sumRss(cluster);
    const memBaseline = await sumMemory(cluster);
    const cpuBefore = sumCpu(cluster);
    const names = Array.from({ length: nodes }, (_, i) => `hollow-${fleet}-${i}`);
    const url = `wss://127.0.0.1:${cluster.edgePort}/v1/connect`;
    const configs: ChildConfig[] = Array.from({ length: processes }, (_, p) => ({
      joinHost: '127.0.0.1',
      joinPort: cluster.edgePort,
      token: TOKEN,
      nodeNames: names.filter((_, i) => i % processes === p),
      labels: { [FLEET_LABEL]: fleet },
      url,
      startPerSecond: Math.max(1, Math.round((options.startPerSecond ?? 100) / processes)),
      compression: options.compression ?? true,
    }));
    const { joinMs } = await pool.start(configs);
    log('joined', { nodes, joinMs });
    const rampAt = Date.now();
    await waitFor(
      async () => {
        const s = await pool.stats();
        log('ramp', { synced: s.synced, apiReady: watch.readyNodes.size, hollowRss: s.rssBytes });
        return s.synced === nodes && watch.readyNodes.size === nodes;
      },
      { description: `all ${nodes} nodes synced and Ready`, timeoutMs, intervalMs: 2_000 },
    );
    const allNodesReadyMs = Date.now() - rampAt;
    const cpuMsPerNodeConnect = (sumCpu(cluster) - cpuBefore) / nodes;
    log('all nodes Ready', { allNodesReadyMs });

    const rolloutAt = Date.now();
    const pods = await applyWorkload(cluster.kube, fleet, nodes, podsPerNode);
    const cpuShare = cpuShares(cluster);
    // A rollout that outlasts the phase timeout is reported as it stands, not thrown away.
    const complete = await waitFor(
      async () => {
        const s = watch.podsSince(rolloutAt);
        const { connected, warnings, cpuMs: hollowCpuMs, loopDelayMaxMs } = await pool.stats();
        const scheduling = watch.schedulingSince(rolloutAt);
        log('rollout', {
          pods: s.total,
          ...scheduling,
          running: s.running,
          expected: pods,
          connected,
          apiReady: watch.readyNodes.size,
          cpuPercent: cpuShare(hollowCpuMs),
          hollowLoopDelayMaxMs: loopDelayMaxMs,
          edgeWarnings: warnings,
        });
        return s.running >= pods;
      },
      { description: `${pods} pods Running`, timeoutMs, intervalMs: 2_000 },
    ).then(
      () => true,
      () => false,
    );
    const rolloutAllRunningMs = complete ? Date.now() - rolloutAt : null;
    const rolloutRunning = watch.podsSince(rolloutAt).running;
    const rolloutLatencyMs = percentiles(watch.podsSince(rolloutAt).latencies);
    log('rollout done', { rolloutAllRunningMs, ...rolloutLatencyMs });

    let churnResult: ScaleResult['churn'] = null;
    const churnPerSecond = options.churnPerSecond ?? 10;
    if (churnPerSecond > 0) {
      const settleMs = await settle(cluster);
      log('settled', { settleMs });
      const { startedAt, created } = await churn(cluster.kube, fleet, churnPerSecond, options.churnSeconds ?? 20);
      await waitFor(() => watch.podsSince(startedAt).running >= created, {
        description: `${created} churn pods Running`,
        timeoutMs: 120_000,
        intervalMs: 500,
      }).catch(() => undefined);
      const s = watch.podsSince(startedAt);
      churnResult = { settleMs, pods: created, running: s.running, latencyMs: percentiles(s.latencies) };
      log('churn done', churnResult);
    }

    // Steady state: 5 s on, measure memory and idle CPU over 10 s.
    await sleep(5_000);
    const steadyCpu0 = sumCpu(cluster);
    const steadyAt = Date.now();
    await sleep(10_000);
    const steadyCpuPercent = ((sumCpu(cluster) - steadyCpu0) / (Date.now() - steadyAt)) * 100;
    const rssTotal = sumRss(cluster);
    const mem = await sumMemory(cluster);
    const steady = await pool.stats();

    let storm: ScaleResult['storm'] = null;
    if (options.storm ?? true) {
      pool.mark();
      const before = await pool.stats();
      const killedAt = Date.now();
      const apiCpuAtKill = cluster.apiServerCpuMs();
      let hollowCpuMs = 0;
      await Promise.all(cluster.replicas.map((r) => r.process.kill9()));
      log('storm: every replica killed', { replicas });
      await Promise.all(cluster.replicas.map((r) => r.start()));
      log('storm: replicas restarted', { afterMs: Date.now() - killedAt });
      await waitFor(
        async () => {
          const s = await pool.stats();
          hollowCpuMs += s.cpuMs;
          log('storm', { back: s.syncedSinceMark, connected: s.connected, cloudcoreCpuMs: sumCpu(cluster) });
          return s.syncedSinceMark === nodes;
        },
        { description: `all ${nodes} nodes back after the storm`, timeoutMs, intervalMs: 1_000 },
      );
      const backMs = Date.now() - killedAt;
      const cloudcoreCpuMs = sumCpu(cluster);
      const apiServerCpuMs = cluster.apiServerCpuMs() - apiCpuAtKill;
      await sleep(3_000); // late statuses, any restart would show
      const after = await pool.stats();
      storm = {
        backMs,
        bytesResent: after.bytesIn - before.bytesIn,
        objectsResent: after.objectsReceived - before.objectsReceived,
        podRestarts: after.containerStarts - before.containerStarts,
        cloudcoreCpuMsPerNode: Math.round((cloudcoreCpuMs / nodes) * 100) / 100,
        hollowCpuMsPerNode: Math.round((hollowCpuMs / nodes) * 100) / 100,
        apiServerCpuMsPerNode: Math.round((apiServerCpuMs / nodes) * 100) / 100,
      };
      log('storm done', storm);
    }

    return {
      nodes,
      podsPerNode,
      replicas,
      hollowProcesses: processes,
      joinMs,
      allNodesReadyMs,
      pods,
      rolloutAllRunningMs,
      rolloutRunning,
      rolloutLatencyMs,
      churn: churnResult,
      cloudcore: {
        rssBytesTotal: rssTotal,
        rssBytesBaseline: rssBaseline,
        rssBytesPerNode: Math.round((rssTotal - rssBaseline) / nodes),
        heapBytesPerNode: Math.round((mem.heapUsed - memBaseline.heapUsed) / nodes),
        externalBytesPerNode: Math.round((mem.external - memBaseline.external) / nodes),
        cpuMsPerNodeConnect: Math.round(cpuMsPerNodeConnect * 100) / 100,
        steadyCpuPercent: Math.round(steadyCpuPercent * 10) / 10,
      },
      edgeBytesPerNode: { in: Math.round(steady.bytesIn / nodes), out: Math.round(steady.bytesOut / nodes) },
      hollowRssBytesPerNode: Math.round(steady.rssBytes / nodes),
      storm,
      edgeWarnings: (await pool.stats()).warnings,
    };
  } finally {
    watch.stop();
    await pool.stop();
    await cluster.stop();
    rmSync(join(dir, 'kube-lite'), { recursive: true, force: true }); // logs stay, the store goes
  }
}
