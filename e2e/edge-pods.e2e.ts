// Edge pods end to end over real processes: kube-lite, cloudcore and two
// edgecores (edge-1 on Docker, edge-2 simulated), joined with bootstrap
// tokens through the `kedge` CLI. A Deployment pinned to edge-1 runs there
// under Docker; edge-1 restarted while the cloud is down keeps (adopts) its
// containers; deleting the Deployment removes them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';

const ROOT = resolve(import.meta.dirname, '..');
const run = Date.now().toString(36);
const EDGE_DOCKER = `e2e-${run}-edge-1`;
const EDGE_SIM = `e2e-${run}-edge-2`;
const APP = `edge-web-${run}`;

let dir = '';
let kube: KubeLite | undefined;
let kubeconfig = '';
const procs = new Map<string, ChildProcess>();
const logs = new Map<string, string>();
const ports: Record<string, number> = {};

function exec(file: string, args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 90_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolvePromise(stdout);
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}
const kubectl = (args: string[], stdin?: string) => exec('/usr/bin/kubectl', args, { KUBECONFIG: kubeconfig }, stdin);
const kedge = (args: string[]) => exec('npx', ['tsx', 'apps/cli/src/main.ts', ...args], { KUBECONFIG: kubeconfig });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Spawns `npx tsx <entry>` in its own process group, so stopping it reaches tsx's child node too. */
function start(name: string, entry: string, args: string[]): void {
  const child = spawn('npx', ['tsx', entry, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  logs.set(name, '');
  child.stderr?.on('data', (chunk: Buffer) => logs.set(name, (logs.get(name) ?? '') + chunk.toString()));
  procs.set(name, child);
}

async function stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const child = procs.get(name);
  procs.delete(name);
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 12_000))]);
}

const startCloudcore = () =>
  start('cloudcore', 'apps/cloudcore/src/main.ts', [
    '--kubeconfig',
    kubeconfig,
    '--listen',
    `127.0.0.1:${ports.cloud}`,
    '--health-listen',
    `127.0.0.1:${ports.cloudHealth}`,
  ]);
const startEdge = (node: string) =>
  start(node, 'apps/edgecore/src/main.ts', ['--config', join(dir, node, 'edgecore.yaml')]);

async function edgeHealth(node: string): Promise<{ cloud: string; outbox: number }> {
  const res = await fetch(`http://127.0.0.1:${ports[`${node}-health`]}/healthz`);
  return (await res.json()) as { cloud: string; outbox: number };
}

async function appPod(): Promise<V1Pod | undefined> {
  const list = JSON.parse(await kubectl(['get', 'pods', '-l', `app=${APP}`, '-o', 'json'])) as { items: V1Pod[] };
  return list.items[0];
}

async function dockerIds(node: string): Promise<string[]> {
  const out = await exec('docker', ['ps', '-q', '--no-trunc', '--filter', `label=io.kedge.node.name=${node}`]);
  return out.split('\n').filter(Boolean).sort();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-edge-e2e-'));
  kube = await startKubeLite({ dataDir: join(dir, 'kube-lite'), port: 0 });
  kubeconfig = kube.kubeconfigPath;
  for (const key of [
    'cloud',
    'cloudHealth',
    `${EDGE_DOCKER}-health`,
    `${EDGE_DOCKER}-mqtt`,
    `${EDGE_SIM}-health`,
    `${EDGE_SIM}-mqtt`,
  ])
    ports[key] = await freePort();
  startCloudcore();
  await eventually(
    'cloudcore listening',
    async () => /edge channel listening/.test(logs.get('cloudcore') ?? ''),
    60_000,
  );

  const token = JSON.parse(
    await kedge(['token', 'create', '--cloud', `wss://127.0.0.1:${ports.cloud}`, '-o', 'json']),
  ) as { token: string; caHash: string };
  for (const [node, runtime] of [
    [EDGE_DOCKER, 'docker'],
    [EDGE_SIM, 'simulated'],
  ] as const) {
    await kedge([
      'join',
      '--cloud',
      `wss://127.0.0.1:${ports.cloud}`,
      '--token',
      token.token,
      '--ca-hash',
      token.caHash,
      '--node-name',
      node,
      '--data-dir',
      join(dir, node),
      '--runtime',
      runtime,
      '--mqtt-port',
      String(ports[`${node}-mqtt`]),
      '--health-listen',
      `127.0.0.1:${ports[`${node}-health`]}`,
    ]);
    startEdge(node);
  }
  await eventually(
    'both edge Nodes Ready',
    async () => {
      const nodes = (JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as { items: V1Node[] }).items;
      const ready = (name: string) =>
        nodes
          .find((n) => n.metadata?.name === name)
          ?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return ready(EDGE_DOCKER) && ready(EDGE_SIM);
    },
    90_000,
  );
}, 180_000);

afterAll(async () => {
  for (const name of [...procs.keys()]) await stop(name);
  const leftovers = [...(await dockerIds(EDGE_DOCKER).catch(() => []))];
  if (leftovers.length) await exec('docker', ['rm', '-f', ...leftovers]).catch(() => undefined);
  await kube?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('edge pods over real processes', () => {
  it('reports node info for each edge node', async () => {
    const node = JSON.parse(await kubectl(['get', 'node', EDGE_DOCKER, '-o', 'json'])) as V1Node;
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^docker:\/\//);
    expect(node.status?.capacity?.pods).toBe('110');
    expect(node.status?.addresses?.some((a) => a.type === 'Hostname')).toBe(true);
    expect(node.metadata?.labels?.['kubernetes.io/arch']).toMatch(/^(amd64|arm64)$/);
  });

  it('runs a Deployment pinned to edge-1 under Docker', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: APP, namespace: 'default' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: APP } },
          template: {
            metadata: { labels: { app: APP } },
            spec: {
              nodeSelector: { 'kubernetes.io/hostname': EDGE_DOCKER },
              terminationGracePeriodSeconds: 2,
              containers: [
                {
                  name: 'web',
                  image: 'kedge.local/busybox:1',
                  command: ['sh', '-c', 'echo ok > /tmp/index.html; exec httpd -f -p 8080 -h /tmp'],
                },
              ],
            },
          },
        },
      }),
    );
    const pod = await eventually(
      'pod 1/1 Running on edge-1',
      async () => {
        const p = await appPod();
        return p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready && p;
      },
      90_000,
    );
    expect(pod.spec?.nodeName).toBe(EDGE_DOCKER);
    const names = await exec('docker', [
      'ps',
      '--format',
      '{{.Names}}',
      '--filter',
      `label=io.kedge.pod.uid=${pod.metadata?.uid}`,
    ]);
    expect(names).toContain(pod.metadata?.name);
    expect(await dockerIds(EDGE_SIM)).toEqual([]);
  });

  it('runs a pod pinned to the simulated edge-2 without touching Docker', async () => {
    const name = `${APP}-sim`;
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', labels: { app: name } },
        spec: { nodeName: EDGE_SIM, containers: [{ name: 'c', image: 'kedge.local/busybox:1' }] },
      }),
    );
    await eventually(
      'simulated pod Running',
      async () => {
        const pod = JSON.parse(await kubectl(['get', 'pod', name, '-o', 'json'])) as V1Pod;
        return pod.status?.phase === 'Running';
      },
      60_000,
    );
    expect(await dockerIds(EDGE_SIM)).toEqual([]);
    await kubectl(['delete', 'pod', name, '--wait=false']);
  });

  it('keeps the containers when edge-1 restarts while the cloud is down, then resyncs', async () => {
    const before = await dockerIds(EDGE_DOCKER);
    expect(before.length).toBeGreaterThan(0);
    await stop('cloudcore');
    await stop(EDGE_DOCKER, 'SIGKILL');
    startEdge(EDGE_DOCKER);
    await eventually('edge-1 up offline', async () => (await edgeHealth(EDGE_DOCKER)).cloud !== undefined, 60_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await dockerIds(EDGE_DOCKER)).toEqual(before);

    startCloudcore();
    await eventually('edge-1 synced again', async () => (await edgeHealth(EDGE_DOCKER)).cloud === 'synced', 90_000);
    expect(await dockerIds(EDGE_DOCKER)).toEqual(before);
    expect((await appPod())?.status?.phase).toBe('Running');
  });

  it('removes the pod and its containers when the Deployment is deleted', async () => {
    await kubectl(['delete', 'deployment', APP, '--wait=false']);
    await eventually('pod gone from the API', async () => (await appPod()) === undefined, 90_000);
    await eventually('containers gone', async () => (await dockerIds(EDGE_DOCKER)).length === 0, 30_000);
  });
});
