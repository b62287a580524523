// The steps of `kedge up` after kube-lite runs: start cloudcore, join the
// local edge nodes (or reuse earlier joins), start their edgecores, wait for
// Ready. Each step fails with a CliError naming the log to read.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caHashFromPem } from '../bootstrap';
import { createToken } from '../cluster/tokens';
import { CliError, ExitCode } from '../errors';
import { EDGECORE_CONFIG_FILE } from '../join/edgecore-config';
import { joinNode } from '../join/join';
import { readJoinedNode } from '../join/joined-node';
import type { Kube } from '../kube/client';
import { appCommand } from '../paths';
import { spawnLogged, waitFor, type Child } from './children';

/** Ports of the local fleet. Edge node i gets MQTT mqttPort+i-1 and health healthPort+i. */
export interface FleetPorts {
  /** cloudcore edge channel (join + WebSocket). Default 10000. */
  cloudPort: number;
  /** cloudcore /healthz, /readyz, /metrics. Default 10351. */
  healthPort: number;
  /** MQTT broker of edge-1. Default 1883. */
  mqttPort: number;
}

export interface LocalNode {
  name: string;
  dir: string;
  configPath: string;
  /** True when this run joined it; false when an earlier run did. */
  joinedNow: boolean;
  /** Runtime in its edgecore.yaml (an earlier join keeps its own). */
  runtime: 'docker' | 'simulated';
}

function tail(file: string, lines = 5): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function requireApp(app: 'cloudcore' | 'edgecore'): { command: string; args: string[] } {
  const cmd = appCommand(app);
  if (!cmd) {
    throw new CliError(
      'PROCESS_FAILED',
      ExitCode.runtime,
      `cannot find ${app} (neither dist/${app}/main.js nor apps/${app}/src/main.ts)`,
      {
        hint: 'run kedge from a Kedge checkout, or build with `npm run build` and run dist/kedge/main.js',
      },
    );
  }
  return cmd;
}

export function childFailed(child: Child, what: string, result: number | string): CliError {
  const last = tail(child.logFile);
  return new CliError(
    'PROCESS_FAILED',
    ExitCode.runtime,
    `${child.name} ${what} (exit ${result}); see ${child.logFile}`,
    {
      hint: last ? `last log lines:\n${last}` : `read ${child.logFile}`,
    },
  );
}

/** Starts cloudcore against `kubeconfigPath` and waits for /readyz (or until `abort` settles). */
export async function startCloudcore(
  kubeconfigPath: string,
  logsDir: string,
  ports: FleetPorts,
  abort: Promise<unknown>,
  timeoutMs = 120_000,
): Promise<Child> {
  const app = requireApp('cloudcore');
  const args = [
    ...app.args,
    '--kubeconfig',
    kubeconfigPath,
    '--listen',
    `127.0.0.1:${ports.cloudPort}`,
    '--health-listen',
    `127.0.0.1:${ports.healthPort}`,
    '--advertise-address',
    '127.0.0.1,localhost',
  ];
  const child = spawnLogged('cloudcore', app.command, args, join(logsDir, 'cloudcore.log'));
  let aborted = false;
  const stop = Promise.race([child.exited, abort.then(() => (aborted = true))]);
  const ready = await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${ports.healthPort}/readyz`, { signal: AbortSignal.timeout(2000) });
      return res.ok ? true : undefined;
    },
    { timeoutMs, intervalMs: 300, abort: stop },
  );
  if (!ready && !aborted) {
    const code = child.process.exitCode ?? child.process.signalCode;
    if (code !== null) throw childFailed(child, 'exited during start', code);
    await child.stop();
    throw childFailed(child, `was not ready within ${timeoutMs / 1000}s`, 'timeout');
  }
  return child;
}

/** Joins edge-1..edge-N into `<dataDir>/edge-<i>` unless already joined there. */
export async function joinLocalNodes(
  kube: Kube,
  caPem: string,
  count: number,
  dataDir: string,
  runtime: 'docker' | 'simulated',
  ports: FleetPorts,
): Promise<LocalNode[]> {
  const nodes: LocalNode[] = [];
  let token: string | undefined;
  for (let i = 1; i <= count; i++) {
    const name = `edge-${i}`;
    const dir = join(dataDir, name);
    const configPath = join(dir, EDGECORE_CONFIG_FILE);
    if (existsSync(configPath)) {
      const earlier = readJoinedNode(dir);
      nodes.push({ name, dir, configPath, joinedNow: false, runtime: earlier.dockerSocket ? 'docker' : 'simulated' });
      continue;
    }
    token ??= (await createToken(kube, 3_600_000, 'kedge up (local fleet)')).token.token;
    await joinNode({
      cloud: { url: `wss://127.0.0.1:${ports.cloudPort}`, host: '127.0.0.1', port: ports.cloudPort },
      token,
      caHash: caHashFromPem(caPem),
      nodeName: name,
      labels: { 'kedge.io/group': 'local' },
      dataDir: dir,
      runtime,
      // Several edgecores share this host: give each its own MQTT and health port.
      mqttPort: ports.mqttPort + i - 1,
      healthListen: `127.0.0.1:${ports.healthPort + i}`,
      force: true,
    });
    nodes.push({ name, dir, configPath, joinedNow: true, runtime });
  }
  return nodes;
}

export function startEdgecores(nodes: readonly LocalNode[], logsDir: string): Child[] {
  const app = requireApp('edgecore');
  return nodes.map((n) =>
    spawnLogged(n.name, app.command, [...app.args, '--config', n.configPath], join(logsDir, `${n.name}.log`)),
  );
}

/** Waits until every named Node reports Ready=True; returns the names still not Ready. */
export async function waitNodesReady(
  kube: Kube,
  names: readonly string[],
  timeoutMs: number,
  abort?: Promise<unknown>,
): Promise<string[]> {
  let missing = [...names];
  await waitFor(
    async () => {
      const list = await kube.core.listNode();
      const ready = new Set(
        list.items
          .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
          .map((n) => n.metadata?.name),
      );
      missing = names.filter((n) => !ready.has(n));
      return missing.length === 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 500, ...(abort ? { abort } : {}) },
  );
  return missing;
}
