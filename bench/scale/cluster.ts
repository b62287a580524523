/**
 * The cloud side of the benchmark as real processes: kube-lite (or the
 * cluster in E2E_KUBECONFIG), a bootstrap token, and R cloudcore replicas,
 * behind a TCP balancer when R > 1. Replicas can be killed (-9) and
 * restarted on the same ports, as in a reconnect storm.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { hashTokenSecret } from '@kedge/protocol';
import { bundleApp } from '../support/bundle';
import {
  freePort,
  startProcess,
  startTcpBalancer,
  tsxEntry,
  waitFor,
  type ManagedProcess,
  type TcpBalancer,
} from '@kedge/testkit';

/** AlreadyExists is fine (a previous run, or a real cluster); anything else is not. */
const ignoreConflict = (err: unknown): void => {
  if ((err as { code?: number }).code !== 409) throw err;
};
export const TOKEN = 'scale0.0123456789abcdef';

export interface ClusterOptions {
  readonly replicas: number;
  /** Logs and kube-lite data. */
  readonly dir: string;
  /** Passed to every replica (node Lease and ownership Lease). */
  readonly leaseDurationSeconds: number;
  readonly leaseRenewIntervalMs: number;
  /** Existing cluster; default: start kube-lite. */
  readonly kubeconfig?: string;
}

export class Replica {
  process!: ManagedProcess;
  constructor(
    readonly id: string,
    readonly port: number,
    readonly healthPort: number,
    private readonly args: string[],
    private readonly dir: string,
    /** Bundled cloudcore (bundle.ts). */
    private readonly entry: string,
  ) {}

  async start(): Promise<void> {
    this.process = await startProcess({
      name: this.id,
      command: process.execPath,
      args: [...profileFlags(this.id), this.entry, ...this.args],
      logFile: join(this.dir, `${this.id}.log`),
      readyWhen: async () => (await fetch(`http://127.0.0.1:${this.healthPort}/readyz`)).status === 200,
      readyTimeoutMs: 180_000,
      readyIntervalMs: 250,
      maxOutputChars: 200_000,
    });
  }

  /** VmRSS of the replica, bytes. */
  rssBytes(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.process.pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0) * 1024;
  }

  /** Node.js memory gauges from /metrics (V8 heap used, external), bytes. */
  async memory(): Promise<{ heapUsed: number; external: number }> {
    const text = await (await fetch(`http://127.0.0.1:${this.healthPort}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^kedge_cloudcore_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    return {
      heapUsed: gauge('nodejs_heap_size_used_bytes'),
      external: gauge('nodejs_external_memory_bytes'),
    };
  }

  /** user + system CPU, ms. */
  cpuMs(): number {
    return processCpuMs(this.process.pid);
  }
}

/** user + system CPU of a process, ms; 0 once it is gone. */
function processCpuMs(pid: number | undefined): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

/** KEDGE_SCALE_CPU_PROF=DIR: replicas and hollow-node processes write a V8 CPU profile there when they exit. */
export function profileFlags(id: string): string[] {
  const dir = process.env.KEDGE_SCALE_CPU_PROF;
  // One directory per process: a tsx process has a loader thread, which writes a profile of its own.
  return dir ? ['--cpu-prof', '--cpu-prof-dir', join(dir, id)] : [];
}

export interface Cluster {
  readonly kubeconfig: string;
  readonly kube: KubeConfig;
  readonly replicas: Replica[];
  /** Where edges dial: a replica, or the balancer. */
  readonly edgePort: number;
  readonly balancer?: TcpBalancer;
  /** The embedded API server's CPU, ms; 0 with E2E_KUBECONFIG (not ours to measure). */
  apiServerCpuMs(): number;
  stop(): Promise<void>;
}

async function startKubeLite(dir: string): Promise<{ kubeconfig: string; process: ManagedProcess }> {
  const [command, args] = tsxEntry('packages/kube-lite/src/main.ts');
  const proc = await startProcess({
    name: 'kube-lite',
    command,
    args: [...args, '--data-dir', join(dir, 'kube-lite'), '--port', '0'],
    logFile: join(dir, 'kube-lite.log'),
    readyWhen: /\.ya?ml\s*$/,
    readyTimeoutMs: 60_000,
    maxOutputChars: 200_000,
  });
  const line =
    proc
      .output()
      .split('\n')
      .find((l) => /\.ya?ml\s*$/.test(l)) ?? '';
  return { kubeconfig: line.trim(), process: proc };
}

async function createToken(core: CoreV1Api, namespace: string): Promise<void> {
  const b = (s: string) => Buffer.from(s).toString('base64');
  const [id, secret] = TOKEN.split('.') as [string, string];
  await core.createNamespace({ body: { metadata: { name: namespace } } }).catch(ignoreConflict);
  await core
    .createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: `bootstrap-token-${id}`, labels: { 'kedge.io/bootstrap-token': 'true' } },
        type: 'kedge.io/bootstrap-token',
        data: {
          'token-id': b(id),
          'token-secret-sha256': b(hashTokenSecret(secret)),
          expiration: b(new Date(Date.now() + 24 * 3600_000).toISOString()),
          description: b('kedge scale benchmark'),
        },
      },
    })
    .catch((err: unknown) => {
      if ((err as { code?: number }).code !== 409) throw err;
    });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const lite = options.kubeconfig ? undefined : await startKubeLite(options.dir);
  const kubeconfig = options.kubeconfig ?? lite!.kubeconfig;
  const kube = new KubeConfig();
  kube.loadFromFile(kubeconfig);
  await createToken(kube.makeApiClient(CoreV1Api), 'kedge-system');
  const replicas: Replica[] = [];
  const entry = await bundleApp('cloudcore', join(options.dir, 'cloudcore'));
  for (let i = 0; i < options.replicas; i++) {
    const port = await freePort();
    const healthPort = await freePort();
    const id = `cloudcore-${i}`;
    replicas.push(
      new Replica(
        id,
        port,
        healthPort,
        [
          '--kubeconfig',
          kubeconfig,
          '--listen',
          `127.0.0.1:${port}`,
          '--health-listen',
          `127.0.0.1:${healthPort}`,
          '--server-id',
          id,
          '--log-level',
          process.env.KEDGE_SCALE_LOG_LEVEL ?? 'warn',
          '--lease-duration-seconds',
          String(options.leaseDurationSeconds),
          '--lease-renew-interval-ms',
          String(options.leaseRenewIntervalMs),
          '--handshake-queue-size',
          '20000',
        ],
        options.dir,
        entry,
      ),
    );
  }
  // The first creates the CA; the others read it (create-or-read-winner).
  await replicas[0]!.start();
  await Promise.all(replicas.slice(1).map((r) => r.start()));
  const balancer =
    replicas.length > 1
      ? await startTcpBalancer({ targets: replicas.map((r) => ({ host: '127.0.0.1', port: r.port })) })
      : undefined;
  await waitFor(() => replicas.every((r) => r.rssBytes() > 0), { description: 'replicas running' });
  return {
    kubeconfig,
    kube,
    replicas,
    edgePort: balancer?.port ?? replicas[0]!.port,
    balancer,
    apiServerCpuMs: () => (lite ? processCpuMs(lite.process.pid) : 0),
    async stop() {
      await balancer?.close();
      await Promise.allSettled(replicas.map((r) => r.process.kill('SIGTERM', 10_000)));
      await lite?.process.kill('SIGTERM', 10_000);
    },
  };
}
