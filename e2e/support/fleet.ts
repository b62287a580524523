// A Kedge fleet over real processes for the edge-pods suites: a Kubernetes
// API (an in-process kube-lite, or the cluster E2E_KUBECONFIG points at),
// cloudcore, and edgecores joined with a bootstrap token through the `kedge`
// CLI. Everything is driven the way an operator would: kubectl, docker, the
// edge's health endpoint, its SQLite file.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import {
  ensureDockerTestImage,
  freePort,
  repoRoot,
  startProcess,
  tsxEntry,
  waitFor,
  type ManagedProcess,
} from '@kedge/testkit';

export interface EdgeSpec {
  name: string;
  runtime: 'docker' | 'simulated';
}

export interface FleetEdge extends EdgeSpec {
  dataDir: string;
  healthPort: number;
  mqttPort: number;
  process?: ManagedProcess;
}

/** Runs a command; rejects with its stderr. */
export function sh(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) {
  return new Promise<string>((resolvePromise, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: repoRoot(), env: { ...process.env, ...options.env }, timeout: 90_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolvePromise(stdout);
      },
    );
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}

/** Ids of the running containers Kedge made for a node (found by Kedge's labels), sorted. */
export async function dockerIds(node: string, ...labels: string[]): Promise<string[]> {
  const filters = [`io.kedge.node.name=${node}`, ...labels].flatMap((l) => ['--filter', `label=${l}`]);
  const out = await sh('docker', ['ps', '-q', '--no-trunc', ...filters]);
  return out.split('\n').filter(Boolean).sort();
}

/** `docker exec` into the running app container of a pod. */
export async function execInPod(podUid: string, container: string, command: string[]): Promise<string> {
  const [id] = await sh('docker', [
    'ps',
    '-q',
    '--filter',
    `label=io.kedge.pod.uid=${podUid}`,
    '--filter',
    `label=io.kedge.container.name=${container}`,
    '--filter',
    'label=io.kedge.container.kind=app',
  ]).then((o) => o.split('\n').filter(Boolean));
  if (!id) throw new Error(`no running container ${container} for pod ${podUid}`);
  return sh('docker', ['exec', id, ...command]);
}

export class Fleet {
  /** Unique per fleet: names, namespace and the node label the suites select on. */
  readonly run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  readonly namespace = `e2e-${this.run}`;
  /** Label every node of this fleet carries (kedge join --labels), so DaemonSets stay inside it. */
  readonly fleetLabel = { key: 'kedge.io/e2e-fleet', value: this.run };
  readonly external = Boolean(process.env.E2E_KUBECONFIG);
  readonly dir = mkdtempSync(join(tmpdir(), 'kedge-edge-e2e-'));
  readonly edges = new Map<string, FleetEdge>();
  kubeconfig = '';
  cloudPort = 0;
  cloudHealthPort = 0;
  private kube?: KubeLite;
  private cloudcore?: ManagedProcess;
  private token?: { token: string; caHash: string };

  /** Node name for a short edge name, unique per run (`edge-1` → `e2e-<run>-edge-1`). */
  nodeName(short: string): string {
    return `e2e-${this.run}-${short}`;
  }

  edge(name: string): FleetEdge {
    const edge = this.edges.get(name);
    if (!edge) throw new Error(`no edge ${name} in this fleet`);
    return edge;
  }

  /** kubectl against the fleet's cluster, in the fleet's namespace. */
  kubectl(args: string[], stdin?: string): Promise<string> {
    return sh('kubectl', ['--namespace', this.namespace, ...args], { env: { KUBECONFIG: this.kubeconfig }, stdin });
  }

  async kubectlJson<T>(args: string[]): Promise<T> {
    return JSON.parse(await this.kubectl([...args, '-o', 'json'])) as T;
  }

  async apply(manifest: object): Promise<void> {
    await this.kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
  }

  async start(edges: EdgeSpec[]): Promise<void> {
    if (edges.some((e) => e.runtime === 'docker')) await ensureDockerTestImage();
    if (this.external) {
      this.kubeconfig = process.env.E2E_KUBECONFIG as string;
    } else {
      this.kube = await startKubeLite({ dataDir: join(this.dir, 'kube-lite'), port: 0 });
      this.kubeconfig = this.kube.kubeconfigPath;
    }
    await sh('kubectl', ['create', 'namespace', this.namespace], { env: { KUBECONFIG: this.kubeconfig } });
    this.cloudPort = await freePort();
    this.cloudHealthPort = await freePort();
    await this.startCloudcore();
    // Joins run one after the other: each is a tsx process, and the box has two cores.
    for (const spec of edges) await this.join(spec);
    await Promise.all(edges.map((e) => this.startEdge(e.name)));
    await waitFor(
      async () => {
        const nodes = await this.kubectlJson<{ items: KubeNode[] }>(['get', 'nodes']);
        return edges.every((e) => isReady(nodes.items.find((n) => n.metadata.name === e.name)));
      },
      { description: `nodes ${edges.map((e) => e.name).join(', ')} Ready`, timeoutMs: 90_000, intervalMs: 500 },
    );
  }

  /** `kedge join` for one node (edgecore not started): key, certificate, CA and edgecore.yaml in its data dir. */
  async join(spec: EdgeSpec): Promise<FleetEdge> {
    this.token ??= JSON.parse(
      await this.kedge(['token', 'create', '--cloud', `wss://127.0.0.1:${this.cloudPort}`, '-o', 'json']),
    ) as { token: string; caHash: string };
    const edge: FleetEdge = {
      ...spec,
      dataDir: join(this.dir, spec.name),
      healthPort: await freePort(),
      mqttPort: await freePort(),
    };
    this.edges.set(spec.name, edge);
    await this.kedge([
      ...['join', '--cloud', `wss://127.0.0.1:${this.cloudPort}`],
      ...['--token', this.token.token, '--ca-hash', this.token.caHash],
      ...['--node-name', spec.name, '--data-dir', edge.dataDir, '--runtime', spec.runtime],
      ...['--labels', `${this.fleetLabel.key}=${this.fleetLabel.value}`],
      ...['--mqtt-port', String(edge.mqttPort), '--health-listen', `127.0.0.1:${edge.healthPort}`],
    ]);
    return edge;
  }

  async startCloudcore(): Promise<void> {
    const [command, args] = tsxEntry('apps/cloudcore/src/main.ts');
    this.cloudcore = await startProcess({
      name: 'cloudcore',
      command,
      args: [
        ...args,
        ...['--kubeconfig', this.kubeconfig, '--listen', `127.0.0.1:${this.cloudPort}`],
        ...['--health-listen', `127.0.0.1:${this.cloudHealthPort}`],
      ],
      logFile: join(this.dir, 'cloudcore.log'),
      readyWhen: /edge channel listening/,
      readyTimeoutMs: 60_000,
    });
  }

  async stopCloudcore(): Promise<void> {
    await this.cloudcore?.kill('SIGTERM', 12_000);
    this.cloudcore = undefined;
  }

  /** cloudcore's Prometheus text. */
  async cloudMetrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.cloudHealthPort}/metrics`)).text();
  }

  async startEdge(name: string): Promise<void> {
    const edge = this.edge(name);
    const [command, args] = tsxEntry('apps/edgecore/src/main.ts');
    edge.process = await startProcess({
      name,
      command,
      args: [...args, '--config', join(edge.dataDir, 'edgecore.yaml')],
      logFile: join(this.dir, `${name}.log`),
      readyWhen: async () => (await this.edgeHealth(name)).status === 'ok',
      readyTimeoutMs: 60_000,
      readyIntervalMs: 300,
    });
  }

  async kill9Edge(name: string): Promise<void> {
    const edge = this.edge(name);
    await edge.process?.kill9();
    edge.process = undefined;
  }

  async edgeHealth(name: string): Promise<{ status: string; cloud: string; outbox: number }> {
    const res = await fetch(`http://127.0.0.1:${this.edge(name).healthPort}/healthz`);
    return (await res.json()) as { status: string; cloud: string; outbox: number };
  }

  /** Names of the objects of `kind` in the edge's SQLite store (read-only, while edgecore runs). */
  async storedNames(name: string, kind: string): Promise<string[]> {
    const db = join(this.edge(name).dataDir, 'edgecore.db');
    const out = await sh('sqlite3', [
      '-readonly',
      db,
      `SELECT namespace || '/' || name FROM objects WHERE kind = '${kind}'`,
    ]);
    return out.split('\n').filter(Boolean).sort();
  }

  async stop(): Promise<void> {
    for (const edge of this.edges.values()) await edge.process?.kill('SIGTERM', 12_000).catch(() => undefined);
    await this.stopCloudcore().catch(() => undefined);
    // As an operator undoes a join: the node's containers and pod addresses go.
    for (const edge of this.edges.values()) {
      if (edge.runtime === 'docker')
        await this.kedge(['reset', '--data-dir', edge.dataDir, '--yes']).catch(() => undefined);
    }
    if (this.external && this.kubeconfig) {
      // Leave the shared cluster as found: this fleet's namespace and nodes go.
      const env = { KUBECONFIG: this.kubeconfig };
      await sh('kubectl', ['delete', 'namespace', this.namespace, '--wait=false'], { env }).catch(() => undefined);
      const nodes = [...this.edges.keys()];
      if (nodes.length)
        await sh('kubectl', ['delete', 'node', ...nodes, '--wait=false'], { env }).catch(() => undefined);
    }
    await this.kube?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private kedge(args: string[]): Promise<string> {
    const [command, entryArgs] = tsxEntry('apps/cli/src/main.ts');
    return sh(command, [...entryArgs, ...args], { env: { KUBECONFIG: this.kubeconfig } });
  }
}

interface KubeNode {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

function isReady(node: KubeNode | undefined): boolean {
  return Boolean(node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}
