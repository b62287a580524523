/** The parent side of the hollow-node processes: fork, start, ask, sum. */
import { spawn, type ChildProcess } from 'node:child_process';
import { tsxEntry } from '@kedge/testkit';
import { profileFlags } from './cluster';
import type { ChildConfig, ChildStats, ToChild, ToParent } from './messages';

export interface PoolStats extends ChildStats {
  readonly processes: number;
}

export class HollowPool {
  private readonly children: ChildProcess[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, { results: ChildStats[]; resolve: (s: ChildStats[]) => void }>();
  private failure: Error | undefined;

  /** Forks one process per config and starts its nodes; resolves once all joined and began their ramp. */
  async start(configs: readonly ChildConfig[]): Promise<{ joinMs: number }> {
    const [command, args] = tsxEntry('bench/scale/hollow-child.ts');
    const started = configs.map((config, i) => {
      const child = spawn(command, [...profileFlags(`hollow-${i}`), ...args], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.children.push(child);
      return new Promise<number>((resolve, reject) => {
        child.on('message', (message: ToParent) => {
          if (message.type === 'started') resolve(message.joinMs);
          else if (message.type === 'error') {
            this.failure = new Error(`hollow process ${child.pid}: ${message.message}`);
            reject(this.failure);
          } else if (message.type === 'stats') this.collect(message.id, message.stats);
        });
        child.once('exit', (code) => {
          this.failure ??= code === 0 ? undefined : new Error(`hollow process ${child.pid} exited with ${code}`);
          if (this.failure) reject(this.failure);
        });
        this.send(child, { type: 'start', config });
      });
    });
    const joins = await Promise.all(started);
    return { joinMs: Math.max(...joins) };
  }

  private send(child: ChildProcess, message: ToChild): void {
    if (child.connected) child.send(message);
  }

  private collect(id: number, stats: ChildStats): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    entry.results.push(stats);
    if (entry.results.length === this.children.length) {
      this.waiting.delete(id);
      entry.resolve(entry.results);
    }
  }

  async stats(): Promise<PoolStats> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const all = await new Promise<ChildStats[]>((resolve) => {
      this.waiting.set(id, { results: [], resolve });
      for (const child of this.children) this.send(child, { type: 'stats', id });
    });
    const sum = (f: (s: ChildStats) => number) => all.reduce((a, s) => a + f(s), 0);
    return {
      processes: all.length,
      nodes: sum((s) => s.nodes),
      started: sum((s) => s.started),
      connected: sum((s) => s.connected),
      synced: sum((s) => s.synced),
      connects: sum((s) => s.connects),
      bytesIn: sum((s) => s.bytesIn),
      bytesOut: sum((s) => s.bytesOut),
      objectsReceived: sum((s) => s.objectsReceived),
      syncedSinceMark: sum((s) => s.syncedSinceMark),
      containerStarts: sum((s) => s.containerStarts),
      rssBytes: sum((s) => s.rssBytes),
      cpuMs: sum((s) => s.cpuMs),
      loopDelayMaxMs: Math.max(0, ...all.map((s) => s.loopDelayMaxMs)),
      warnings: sumCounts(all.map((s) => s.warnings)),
    };
  }

  /** Remembers each node's connection count; stats().syncedSinceMark counts nodes synced on a newer one. */
  mark(): void {
    for (const child of this.children) this.send(child, { type: 'mark' });
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            this.send(child, { type: 'stop' });
          }),
      ),
    );
  }
}

function sumCounts(all: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const counts of all) for (const [key, n] of Object.entries(counts)) total[key] = (total[key] ?? 0) + n;
  return total;
}
