// The processes the footprint run measures: kube-lite (in this process),
// cloudcore and two edgecores from esbuild bundles, the nodes joined through
// the `kedge` CLI. edge-1 runs Docker (measured); edge-2 is simulated so that
// cloudcore holds two nodes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { freePort, repoRoot, startProcess, tsxEntry, type ManagedProcess } from '@kedge/testkit';
import { bundleApp } from '../support/bundle';

export function sh(file: string, args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: repoRoot(), env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : resolvePromise(stdout),
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** How an edgecore is run: the bundle, node flags before it, extra environment. */
export interface EdgeLaunch {
  bundle: string;
  nodeFlags: string[];
  env: Record<string, string>;
}

export interface BenchFleet {
  kubeconfig: string;
  cloudcore: ManagedProcess;
  cloudHealthPort: number;
  edges: Map<string, ManagedProcess>;
  /** Stops a node's edgecore (containers keep running) and starts it again with `launch`; resolves once synced. */
  restartEdge(name: string, launch: EdgeLaunch): Promise<ManagedProcess>;
  stop(): Promise<void>;
}

export async function startBenchFleet(
  nodes: { name: string; runtime: 'docker' | 'simulated' }[],
  launch: EdgeLaunch,
  podNetwork: 'bridge' | 'docker',
): Promise<BenchFleet> {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-footprint-'));
  const cloudBundle = await bundleApp('cloudcore');
  const healthPorts = new Map<string, number>();
  let kube: KubeLite | undefined;
  const edges = new Map<string, ManagedProcess>();
  let cloudcore: ManagedProcess | undefined;
  const [cli, cliArgs] = tsxEntry('apps/cli/src/main.ts');
  const kedge = (args: string[]) => sh(cli, [...cliArgs, ...args], kube ? { KUBECONFIG: kube.kubeconfigPath } : {});
  const stop = async () => {
    for (const edge of edges.values()) await edge.kill('SIGTERM', 12_000).catch(() => undefined);
    await cloudcore?.kill('SIGTERM', 12_000).catch(() => undefined);
    // As an operator undoes a join: the node's containers and pod addresses go.
    for (const node of nodes) {
      if (node.runtime === 'docker')
        await kedge(['reset', '--data-dir', join(dir, node.name), '--yes']).catch(() => undefined);
    }
    await kube?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const startEdge = (name: string, how: EdgeLaunch) => {
    const healthPort = healthPorts.get(name) as number;
    return startProcess({
      name,
      command: process.execPath,
      args: [...how.nodeFlags, how.bundle, '--config', join(dir, name, 'edgecore.yaml')],
      env: how.env,
      logFile: join(dir, `${name}.log`),
      readyWhen: async () => {
        const health = (await (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).json()) as { cloud: string };
        return health.cloud === 'synced';
      },
      readyTimeoutMs: 90_000,
      readyIntervalMs: 300,
    });
  };
  const restartEdge = async (name: string, how: EdgeLaunch) => {
    await edges.get(name)?.kill('SIGTERM', 12_000);
    const edge = await startEdge(name, how);
    edges.set(name, edge);
    return edge;
  };
  try {
    kube = await startKubeLite({ dataDir: join(dir, 'kube-lite'), port: 0 });
    const kubeconfig = kube.kubeconfigPath;
    const cloudPort = await freePort();
    const cloudHealthPort = await freePort();
    cloudcore = await startProcess({
      name: 'cloudcore',
      command: process.execPath,
      args: [
        cloudBundle,
        '--kubeconfig',
        kubeconfig,
        '--listen',
        `127.0.0.1:${cloudPort}`,
        '--health-listen',
        `127.0.0.1:${cloudHealthPort}`,
      ],
      logFile: join(dir, 'cloudcore.log'),
      readyWhen: /edge channel listening/,
      readyTimeoutMs: 60_000,
    });
    const cloud = `wss://127.0.0.1:${cloudPort}`;
    const token = JSON.parse(await kedge(['token', 'create', '--cloud', cloud, '-o', 'json'])) as {
      token: string;
      caHash: string;
    };
    for (const node of nodes) {
      const dataDir = join(dir, node.name);
      const healthPort = await freePort();
      await kedge([
        ...['join', '--cloud', cloud, '--token', token.token, '--ca-hash', token.caHash, '--node-name', node.name],
        ...['--data-dir', dataDir, '--runtime', node.runtime, '--mqtt-port', String(await freePort())],
        ...['--health-listen', `127.0.0.1:${healthPort}`, '--pod-network', podNetwork],
      ]);
      healthPorts.set(node.name, healthPort);
      const edge = await startEdge(node.name, launch);
      edges.set(node.name, edge);
    }
    return { kubeconfig, cloudcore, cloudHealthPort, edges, restartEdge, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
