/**
 * One hollow-node process of the scale benchmark (forked by index.ts with
 * an IPC channel). It joins its share of nodes, runs them with edgecore's
 * real parts (edge-agent.ts) and answers the parent's questions.
 *
 *   parent → { type: 'start', config } | { type: 'stats', id } | { type: 'mark' } | { type: 'stop' }
 *   child  → { type: 'started', joinMs } | { type: 'stats', id, stats } | { type: 'error', message }
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HollowFleet, joinHollowNodes } from '@kedge/testkit';
import { CountingRuntime, edgecoreAgentFactory, warningTally } from './edge-agent';
import type { ChildConfig, ChildStats, ToChild, ToParent } from './messages';

const send = (message: ToParent) => process.send?.(message);
let fleet: HollowFleet | undefined;
let runtime: CountingRuntime | undefined;
let mark: number[] = [];
let lastCpu = process.cpuUsage();
// How late this process runs its timers: a starved hollow process reads its sockets late too.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

async function start(config: ChildConfig): Promise<void> {
  const t0 = performance.now();
  const identities = await joinHollowNodes({
    host: config.joinHost,
    port: config.joinPort,
    token: config.token,
    nodeNames: config.nodeNames,
    labels: config.labels,
    concurrency: 8,
  });
  const joinMs = Math.round(performance.now() - t0);
  runtime = new CountingRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'kedge-hollow-'));
  const factory = edgecoreAgentFactory(
    { runtime, dir, url: config.url, compression: config.compression },
    identities[0]!,
  );
  fleet = new HollowFleet({ identities, agentFactory: factory, startPerSecond: config.startPerSecond });
  send({ type: 'started', joinMs });
  await fleet.start();
}

function stats(): ChildStats {
  const f = fleet!;
  const nodes = f.nodeStats();
  let syncedSinceMark = 0;
  nodes.forEach((s, i) => {
    if (s.synced && s.connects > (mark[i] ?? 0)) syncedSinceMark++;
  });
  const cpu = process.cpuUsage(lastCpu);
  lastCpu = process.cpuUsage();
  const result = {
    ...f.stats(),
    syncedSinceMark,
    containerStarts: runtime?.containerStarts ?? 0,
    rssBytes: process.memoryUsage().rss,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    loopDelayMaxMs: Math.round(loopDelay.max / 1e6),
    warnings: warningTally(),
  };
  loopDelay.reset();
  return result;
}

process.on('message', (message: ToChild) => {
  switch (message.type) {
    case 'start':
      start(message.config).catch((err: unknown) => {
        send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      });
      return;
    case 'stats':
      if (fleet) send({ type: 'stats', id: message.id, stats: stats() });
      return;
    case 'mark':
      mark = fleet?.nodeStats().map((s) => s.connects) ?? [];
      return;
    case 'stop':
      void (fleet?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
      return;
  }
});
process.on('disconnect', () => process.exit(0));
