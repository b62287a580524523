// kube-lite API server benchmark: `npx tsx bench/kube-lite`. Prints ONE JSON line.
//
// Starts kube-lite (no controllers: the API server alone, as the
// kube-apiserver reference figures were taken) as a child process, then:
//  1. opens 20 pod watches, creates POD_COUNT pods with 10 concurrent
//     keep-alive clients, and counts the events the watchers receive;
//  2. lists the POD_COUNT pods of the namespace a few times (latency, bytes);
//  3. reads the server's RSS holding them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@kedge/testkit';

const POD_COUNT = Number(process.env.BENCH_PODS ?? 10_000);
const CLIENTS = 10;
const WATCHERS = 20;
const LIST_RUNS = 5;
const TIMEOUT_MS = 300_000;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const mainPath = join(repoRoot, 'packages/kube-lite/src/main.ts');

interface Target {
  base: string;
  token: string;
  ca: string;
}

function send(
  target: Target,
  agent: Agent,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { Authorization: `Bearer ${target.token}`, Accept: 'application/json' };
    if (payload !== undefined)
      Object.assign(headers, {
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(payload)),
      });
    const req = request(`${target.base}${path}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bytes: buf.length, text: buf.toString() });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A watch that counts event lines; resolves `done` once it has seen `expected` of them. */
function watch(
  target: Target,
  rv: string,
  expected: number,
): { ready: Promise<void>; done: Promise<number>; close: () => void } {
  const agent = new Agent({ ca: target.ca, keepAlive: false });
  let count = 0;
  let finish: (at: number) => void = () => {};
  const done = new Promise<number>((r) => (finish = r));
  let close = (): void => {};
  const ready = new Promise<void>((resolve, reject) => {
    const req = request(
      `${target.base}/api/v1/namespaces/bench/pods?watch=1&resourceVersion=${rv}`,
      { agent, headers: { Authorization: `Bearer ${target.token}` } },
      (res) => {
        resolve();
        res.on('data', (c: Buffer) => {
          for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) count++;
          if (count >= expected) finish(performance.now());
        });
      },
    );
    req.on('error', reject);
    req.end();
    close = () => {
      req.destroy();
      agent.destroy();
    };
  });
  return { ready, done, close };
}

const pod = (i: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `pod-${String(i).padStart(5, '0')}`,
    namespace: 'bench',
    labels: { app: 'bench', shard: String(i % 16) },
  },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'kedge.local/busybox:1',
        command: ['sleep', '3600'],
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
      },
    ],
  },
});

/** CPU time (user + system) the process has used, in ms: a figure the box's other load does not skew. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kube-lite-bench-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', mainPath, '--data-dir', dataDir, '--port', String(port), '--no-controllers'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const guard = setTimeout(() => {
    child.kill('SIGKILL');
    process.stderr.write(`benchmark exceeded ${TIMEOUT_MS} ms\n`);
    process.exit(1);
  }, TIMEOUT_MS);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`kube-lite exited with ${String(code)}`)));
    });
    const target: Target = {
      base: `https://127.0.0.1:${port}`,
      token: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(),
      ca: readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'),
    };
    const agent = new Agent({ ca: target.ca, keepAlive: true, maxSockets: CLIENTS });
    await send(target, agent, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'bench' },
    });
    const rssIdleMb = rssMb(child.pid!);
    const rv = (
      JSON.parse((await send(target, agent, 'GET', '/api/v1/namespaces/bench/pods')).text) as {
        metadata: { resourceVersion: string };
      }
    ).metadata.resourceVersion;
    const watchers = Array.from({ length: WATCHERS }, () => watch(target, rv, POD_COUNT));
    await Promise.all(watchers.map((w) => w.ready));

    let next = 0;
    let failures = 0;
    const cpuBefore = cpuMs(child.pid!);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < POD_COUNT) {
          const r = await send(target, agent, 'POST', '/api/v1/namespaces/bench/pods', pod(next++));
          if (r.status !== 201) failures++;
        }
      }),
    );
    const createdAt = performance.now();
    const lastEventAt = Math.max(...(await Promise.all(watchers.map((w) => w.done))));
    const serverCpuMs = cpuMs(child.pid!) - cpuBefore;
    const rssAfterCreatesMb = rssMb(child.pid!);
    for (const w of watchers) w.close();

    const listMs: number[] = [];
    let listBytes = 0;
    for (let i = 0; i < LIST_RUNS; i++) {
      const t = performance.now();
      const r = await send(target, agent, 'GET', '/api/v1/namespaces/bench/pods');
      listMs.push(performance.now() - t);
      listBytes = r.bytes;
    }
    listMs.sort((a, b) => a - b);
    const rssPodsMb = rssMb(child.pid!);
    agent.destroy();

    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'kube-lite-api',
        pods: POD_COUNT,
        clients: CLIENTS,
        watchers: WATCHERS,
        createFailures: failures,
        podCreatesPerSec: Math.round(POD_COUNT / ((createdAt - started) / 1000)),
        watchEventsPerSec: Math.round((POD_COUNT * WATCHERS) / ((lastEventAt - started) / 1000)),
        serverCpuMsPerCreate: Number((serverCpuMs / POD_COUNT).toFixed(3)),
        loadAverage1m: Number(loadavg()[0]!.toFixed(1)),
        listMsMedian: Math.round(listMs[Math.floor(LIST_RUNS / 2)]!),
        listMsMin: Math.round(listMs[0]!),
        listBytes,
        rssIdleMb,
        rssAfterCreatesMb,
        rssWithPodsMb: rssPodsMb,
        node: process.version,
      })}\n`,
    );
  } finally {
    clearTimeout(guard);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
