// The real fleet for the reliable-sync suite: kube-lite in this process,
// cloudcore as a process on the host, edgecores each inside their own
// network namespace reaching cloudcore through a delaying relay on the
// namespace's host-side address. Joins go through the `kedge` CLI.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  createEdgeNetwork,
  freePort,
  startDelayRelay,
  startProcess,
  tsxEntry,
  type DelayRelay,
  type EdgeNetwork,
  type ManagedProcess,
} from '@kedge/testkit';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export function exec(file: string, args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) fail(new Error(`${file} ${args.join(' ')} failed: ${stderr || err.message}`));
        else done(stdout);
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

export interface Cloud {
  readonly kubeconfig: string;
  readonly port: number;
  readonly healthPort: number;
  process: ManagedProcess;
}

export async function startCloudcore(
  name: string,
  kubeconfig: string,
  advertise: string[],
  ports?: { port: number; healthPort: number },
): Promise<Cloud> {
  const port = ports?.port ?? (await freePort());
  const healthPort = ports?.healthPort ?? (await freePort());
  const [command, args] = tsxEntry('apps/cloudcore/src/main.ts');
  const proc = await startProcess({
    name,
    command,
    args: [
      ...args,
      '--kubeconfig',
      kubeconfig,
      '--listen',
      `127.0.0.1:${port}`,
      '--health-listen',
      `127.0.0.1:${healthPort}`,
      '--advertise-address',
      advertise.join(','),
    ],
    logFile: `tmp/e2e/${name}.log`,
    readyWhen: /edge channel listening/,
    readyTimeoutMs: 90_000,
  });
  return { kubeconfig, port, healthPort, process: proc };
}

export const kubectl = (cloud: Pick<Cloud, 'kubeconfig'>, args: string[], stdin?: string) =>
  exec('/usr/bin/kubectl', args, { KUBECONFIG: cloud.kubeconfig }, stdin);

export async function kubectlJson<T>(cloud: Pick<Cloud, 'kubeconfig'>, args: string[]): Promise<T> {
  return JSON.parse(await kubectl(cloud, [...args, '-o', 'json'])) as T;
}

/** One sample of cloudcore's Prometheus text, summed over series whose labels include `labels`. */
export async function cloudMetric(cloud: Cloud, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${cloud.healthPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export interface WeakLink {
  readonly net: EdgeNetwork;
  readonly relay: DelayRelay;
  /** The cloud URL an edge inside `net` dials: the relay on the namespace's host address. */
  readonly url: string;
}

/**
 * A network namespace for one edge, shaped like its uplink, and a relay on
 * its host-side address to cloudcore on loopback (which adds `delayMs` each way).
 */
export async function weakLink(
  name: string,
  subnetIndex: number,
  cloudPort: number,
  shape: { rateKbit?: number; lossPercent?: number; delayMs: number },
): Promise<WeakLink> {
  const net = await createEdgeNetwork({ name, subnetIndex });
  if (shape.rateKbit) await net.shape({ rateKbit: shape.rateKbit });
  if (shape.lossPercent) await net.loss(shape.lossPercent);
  const relay = await startDelayRelay({
    listenHost: net.hostAddress,
    listenPort: 0,
    targetHost: '127.0.0.1',
    targetPort: cloudPort,
    delayMs: shape.delayMs,
  });
  return { net, relay, url: `wss://${net.hostAddress}:${relay.port}` };
}

export interface EdgeNode {
  readonly name: string;
  readonly dir: string;
  readonly configPath: string;
  readonly healthPort: number;
  readonly net: EdgeNetwork;
  process?: ManagedProcess;
}

/**
 * Joins a node with `kedge token create` + `kedge join` straight to
 * cloudcore on loopback, then points its config at `cloudUrl` (the relay
 * on the namespace's host address) and puts /healthz inside the namespace.
 */
export async function joinEdge(
  cloud: Cloud,
  options: {
    name: string;
    dir: string;
    runtime: 'docker' | 'simulated';
    net: EdgeNetwork;
    cloudUrl: string;
    maxPods?: number;
  },
): Promise<EdgeNode> {
  const kedge = (args: string[]) =>
    exec('npx', ['tsx', 'apps/cli/src/main.ts', ...args], { KUBECONFIG: cloud.kubeconfig });
  const direct = `wss://127.0.0.1:${cloud.port}`;
  const token = JSON.parse(await kedge(['token', 'create', '--cloud', direct, '-o', 'json'])) as {
    token: string;
    caHash: string;
  };
  const healthPort = await freePort();
  mkdirSync(options.dir, { recursive: true });
  await kedge([
    'join',
    ...['--cloud', direct, '--token', token.token, '--ca-hash', token.caHash],
    ...['--node-name', options.name, '--data-dir', options.dir, '--runtime', options.runtime],
    ...['--health-listen', `127.0.0.1:${healthPort}`],
  ]);
  const configPath = join(options.dir, 'edgecore.yaml');
  editEdgeConfig(configPath, (c) => {
    c.cloud.url = options.cloudUrl;
    c.mqtt = { enabled: false };
    if (options.maxPods) c.node = { maxPods: options.maxPods };
  });
  return { name: options.name, dir: options.dir, configPath, healthPort, net: options.net };
}

interface EditableConfig {
  cloud: { url: string; proxy: string };
  mqtt: Record<string, unknown>;
  node?: { maxPods: number };
}

export function editEdgeConfig(path: string, edit: (config: EditableConfig) => void): void {
  const config = parse(readFileSync(path, 'utf8')) as EditableConfig;
  edit(config);
  writeFileSync(path, stringify(config));
}

/** Undoes a join as an operator would (`kedge reset`): the node's containers and pod addresses go. */
export function resetEdge(dataDir: string): Promise<string> {
  return exec('npx', ['tsx', 'apps/cli/src/main.ts', 'reset', '--data-dir', dataDir, '--yes']);
}

/** Starts edgecore inside the node's namespace; ready once it opened its store. */
export async function startEdge(node: EdgeNode, env: Record<string, string> = {}): Promise<ManagedProcess> {
  const [tsx, tsxArgs] = tsxEntry('apps/edgecore/src/main.ts');
  const [command, args] = node.net.wrapCommand(tsx, [...tsxArgs, '--config', node.configPath]);
  node.process = await startProcess({
    name: node.name,
    command,
    args,
    env: { HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '', ...env },
    logFile: `tmp/e2e/${node.name}.log`,
    readyWhen: /pods started/,
    readyTimeoutMs: 60_000,
  });
  return node.process;
}

export interface EdgeHealth {
  cloud: string;
  outbox: number;
}

/** /healthz read from inside the namespace, so it answers while the link is cut. */
export async function edgeHealth(node: EdgeNode): Promise<EdgeHealth> {
  const { stdout } = await node.net.exec(
    'curl',
    ['-sf', '--max-time', '3', `http://127.0.0.1:${node.healthPort}/healthz`],
    {
      timeoutMs: 5_000,
    },
  );
  return JSON.parse(stdout) as EdgeHealth;
}

/** The latest figures of a run, for docs/operations.md. */
export function recordFigure(name: string, value: unknown): void {
  const file = join(ROOT, 'tmp/e2e/reliable-figures.json');
  mkdirSync(join(ROOT, 'tmp/e2e'), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    all = {};
  }
  all[name] = value;
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
