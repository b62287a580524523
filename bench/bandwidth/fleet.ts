// One cloudcore and one simulated edgecore on loopback, over kube-lite, as
// real processes: the fleet the bandwidth benchmark measures.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, repoRoot, startProcess, tsxEntry, type ManagedProcess } from '@kedge/testkit';
import { bundleApp } from '../support/bundle';

export function exec(file: string, args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile(
      file,
      args,
      { cwd: repoRoot(), env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err ? fail(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : done(stdout),
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

export class Fleet {
  cloud?: ManagedProcess;
  edge?: ManagedProcess;
  edgeHealthPort = 0;
  configPath = '';
  private cloudEntry: string | undefined;

  private constructor(
    readonly kubeconfig: string,
    readonly cloudPort: number,
    readonly cloudHealthPort: number,
    readonly nodeName: string,
    readonly dir: string,
    /** cloudcore --ping-interval-ms; undefined keeps its default. */
    readonly cloudPingMs: number | undefined,
  ) {}

  static async create(kubeconfig: string, nodeName: string, dir: string, cloudPingMs?: number): Promise<Fleet> {
    return new Fleet(kubeconfig, await freePort(), await freePort(), nodeName, dir, cloudPingMs);
  }

  kubectl(args: string[], stdin?: string): Promise<string> {
    return exec('/usr/bin/kubectl', args, { KUBECONFIG: this.kubeconfig }, stdin);
  }

  async kubectlJson<T>(args: string[]): Promise<T> {
    return JSON.parse(await this.kubectl([...args, '-o', 'json'])) as T;
  }

  /** Starts cloudcore from its shipped bundle (built on first use). */
  async startCloud(): Promise<ManagedProcess> {
    this.cloudEntry ??= await bundleApp('cloudcore');
    this.cloud = await startProcess({
      name: 'bench-cloudcore',
      command: process.execPath,
      args: [
        this.cloudEntry,
        ...['--kubeconfig', this.kubeconfig, '--listen', `127.0.0.1:${this.cloudPort}`],
        ...['--health-listen', `127.0.0.1:${this.cloudHealthPort}`],
        ...(this.cloudPingMs ? ['--ping-interval-ms', String(this.cloudPingMs)] : []),
      ],
      logFile: 'tmp/bench/bandwidth-cloudcore.log',
      readyWhen: /edge channel listening/,
      readyTimeoutMs: 90_000,
      readyIntervalMs: 20,
    });
    return this.cloud;
  }

  /** `kedge token create` + `kedge join` with the simulated runtime; MQTT off. */
  async join(): Promise<void> {
    const kedge = (args: string[]) =>
      exec('npx', ['tsx', 'apps/cli/src/main.ts', ...args], { KUBECONFIG: this.kubeconfig });
    const url = `wss://127.0.0.1:${this.cloudPort}`;
    const token = JSON.parse(await kedge(['token', 'create', '--cloud', url, '-o', 'json'])) as {
      token: string;
      caHash: string;
    };
    this.edgeHealthPort = await freePort();
    await kedge([
      ...['join', '--cloud', url, '--token', token.token, '--ca-hash', token.caHash],
      ...['--node-name', this.nodeName, '--data-dir', this.dir, '--runtime', 'simulated'],
      ...['--health-listen', `127.0.0.1:${this.edgeHealthPort}`],
    ]);
    this.configPath = join(this.dir, 'edgecore.yaml');
    const config = parse(readFileSync(this.configPath, 'utf8')) as Record<string, unknown>;
    config.mqtt = { enabled: false };
    writeFileSync(this.configPath, stringify(config));
  }

  async startEdge(): Promise<ManagedProcess> {
    const [command, args] = tsxEntry('apps/edgecore/src/main.ts');
    this.edge = await startProcess({
      name: 'bench-edgecore',
      command,
      args: [...args, '--config', this.configPath],
      env: { HTTPS_PROXY: '', https_proxy: '' },
      logFile: 'tmp/bench/bandwidth-edgecore.log',
      readyWhen: /pods started/,
      readyTimeoutMs: 60_000,
    });
    return this.edge;
  }

  async edgeHealth(): Promise<{ cloud: string; outbox: number }> {
    const res = await fetch(`http://127.0.0.1:${this.edgeHealthPort}/healthz`);
    return (await res.json()) as { cloud: string; outbox: number };
  }

  /** cloudcore's Prometheus counter, summed over the series whose labels include `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.cloudHealthPort}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  /** Per-node TLS socket bytes and encoded frame bytes seen by cloudcore, in and out. */
  async nodeBytes(): Promise<{
    wireIn: number;
    wireOut: number;
    payloadIn: number;
    payloadOut: number;
    objectsSent: number;
  }> {
    const node = this.nodeName;
    return {
      // One edge node only: the cloud-wide object counter is this node's.
      objectsSent: await this.metric('kedge_cloudcore_objects_sent_total'),
      wireIn: await this.metric('kedge_cloudcore_node_wire_bytes_total', { node, direction: 'in' }),
      wireOut: await this.metric('kedge_cloudcore_node_wire_bytes_total', { node, direction: 'out' }),
      payloadIn: await this.metric('kedge_cloudcore_node_payload_bytes_total', { node, direction: 'in' }),
      payloadOut: await this.metric('kedge_cloudcore_node_payload_bytes_total', { node, direction: 'out' }),
    };
  }
}
