// The real processes of the device benchmark: kube-lite (in this process),
// cloudcore (tsx), one edgecore on the simulated runtime joined through the
// `kedge` CLI, and the simulated-driver mapper, both of these two from
// esbuild bundles (they are what is measured). Logs go to a temp folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { freePort, repoRoot, startProcess, tsxEntry, type ManagedProcess } from '@kedge/testkit';
import { bundle } from './bundle';

export const NODE = 'bench-edge-1';

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      file,
      args,
      { cwd: repoRoot(), env: { ...process.env, ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );
}

export class BenchFleet {
  readonly dir = mkdtempSync(join(tmpdir(), 'kedge-bench-devfleet-'));
  kube!: KubeLite;
  cloudcore!: ManagedProcess;
  edgecore!: ManagedProcess;
  mapper!: ManagedProcess;
  mqttPort = 0;
  edgeHealthPort = 0;
  cloudHealthPort = 0;

  async start(changeEveryMs: number): Promise<void> {
    this.kube = await startKubeLite({ dataDir: join(this.dir, 'kube-lite'), port: 0, log: () => undefined });
    const cloudPort = await freePort();
    this.cloudHealthPort = await freePort();
    const [cc, ccArgs] = tsxEntry('apps/cloudcore/src/main.ts');
    this.cloudcore = await startProcess({
      name: 'cloudcore',
      command: cc,
      args: [
        ...ccArgs,
        ...['--kubeconfig', this.kube.kubeconfigPath, '--listen', `127.0.0.1:${cloudPort}`],
        ...['--health-listen', `127.0.0.1:${this.cloudHealthPort}`, '--log-level', 'warn'],
      ],
      logFile: join(this.dir, 'cloudcore.log'),
      readyWhen: async () => (await fetch(`http://127.0.0.1:${this.cloudHealthPort}/readyz`)).ok,
      readyTimeoutMs: 60_000,
      readyIntervalMs: 300,
    });
    const cloud = `wss://127.0.0.1:${cloudPort}`;
    const token = JSON.parse(await this.kedge(['token', 'create', '--cloud', cloud, '-o', 'json'])) as {
      token: string;
      caHash: string;
    };
    this.mqttPort = await freePort();
    this.edgeHealthPort = await freePort();
    const dataDir = join(this.dir, 'edge');
    await this.kedge([
      ...['join', '--cloud', cloud, '--token', token.token, '--ca-hash', token.caHash],
      ...['--node-name', NODE, '--data-dir', dataDir, '--runtime', 'simulated'],
      ...['--mqtt-port', String(this.mqttPort), '--health-listen', `127.0.0.1:${this.edgeHealthPort}`],
    ]);
    const [edgeBundle, mapperBundle] = await Promise.all([
      bundle('apps/edgecore/src/main.ts', 'edgecore'),
      bundle('bench/devices/sim-mapper.ts', 'sim-mapper'),
    ]);
    this.edgecore = await startProcess({
      name: 'edgecore',
      command: process.execPath,
      args: [edgeBundle, '--config', join(dataDir, 'edgecore.yaml'), '--log-level', 'warn'],
      logFile: join(this.dir, 'edgecore.log'),
      readyWhen: async () => (await this.edgeHealth()).cloud === 'synced',
      readyTimeoutMs: 60_000,
      readyIntervalMs: 300,
    });
    this.mapper = await startProcess({
      name: 'sim-mapper',
      command: process.execPath,
      args: [mapperBundle, `mqtt://127.0.0.1:${this.mqttPort}`, NODE, String(changeEveryMs)],
      logFile: join(this.dir, 'sim-mapper.log'),
      readyWhen: async () => true,
    });
  }

  async edgeHealth(): Promise<{ cloud: string; outbox: number }> {
    return (await (await fetch(`http://127.0.0.1:${this.edgeHealthPort}/healthz`)).json()) as {
      cloud: string;
      outbox: number;
    };
  }

  /** A counter from a Prometheus text page, summed over the label sets that match `labels`. */
  async metric(which: 'edge' | 'cloud', name: string, labels = ''): Promise<number> {
    const port = which === 'edge' ? this.edgeHealthPort : this.cloudHealthPort;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(name) && line.includes(labels))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  async stop(): Promise<void> {
    for (const proc of [this.mapper, this.edgecore, this.cloudcore]) await proc?.kill().catch(() => undefined);
    await this.kube?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private kedge(args: string[]): Promise<string> {
    const [command, entryArgs] = tsxEntry('apps/cli/src/main.ts');
    return run(command, [...entryArgs, ...args], { KUBECONFIG: this.kube.kubeconfigPath });
  }
}
