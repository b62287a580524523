// Workloads on kube-lite through the real kubectl: scheduling onto (fake)
// nodes, rollouts, rollback, DaemonSets, cascading delete, events, and the
// edge-autonomy node lifecycle (a lapsed lease taints, never evicts).
// Set E2E_KUBECONFIG to run the same steps against another cluster; the
// lease-lapse step is kube-lite's own behaviour and is skipped there.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeLite } from '@kedge/kube-lite';
import type { KubeLite } from '@kedge/kube-lite';

const external = process.env.E2E_KUBECONFIG;
const ns = `kl-e2e-${Date.now().toString(36)}`;
const nodes = [`${ns}-a`, `${ns}-b`];
const GRACE_MS = 3_000;

let kube: KubeLite | undefined;
let dataDir: string | undefined;
let kubeconfig = '';

function kubectl(args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/usr/bin/kubectl',
      args,
      { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 90_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
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
    if (process.env.E2E_DEBUG) console.log(new Date().toISOString(), 'waiting for', what);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const podsJson = async (selector: string): Promise<V1Pod[]> =>
  (JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', selector, '-o', 'json'])) as { items: V1Pod[] }).items;

/**
 * A stand-in for the agents of the two fake nodes: posts Ready node status,
 * renews Leases (unless paused), runs bound pods (Running + Ready) and
 * confirms deletions. A bounded polling loop, stopped in afterAll.
 */
class FakeKubelets {
  readonly paused = new Set<string>();
  #stop = false;
  #loop: Promise<void> | undefined;
  constructor(
    private readonly core: CoreV1Api,
    private readonly coordination: CoordinationV1Api,
  ) {}

  start(): void {
    this.#loop = (async () => {
      for (let i = 0; i < 3_000 && !this.#stop; i++) {
        for (const node of nodes) await this.#tick(node).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.#loop;
  }

  async postReady(node: string): Promise<void> {
    const current: V1Node = await this.core.readNode({ name: node });
    const now = new Date();
    current.status = {
      ...current.status,
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kedge e2e kubelet',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    };
    await this.core.replaceNodeStatus({ name: node, body: current });
  }

  async #tick(node: string): Promise<void> {
    if (!this.paused.has(node)) await this.#renew(node);
    const pods = await this.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
    for (const pod of pods.items) {
      const { name = '', namespace = '' } = pod.metadata ?? {};
      if (pod.metadata?.deletionTimestamp) {
        await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
        continue;
      }
      if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const now = new Date();
      const scheduled = pod.status?.conditions?.filter((c) => c.type === 'PodScheduled') ?? [];
      pod.status = {
        ...pod.status,
        phase: 'Running',
        startTime: now,
        conditions: [
          ...scheduled,
          ...['Initialized', 'ContainersReady', 'Ready'].map((type) => ({
            type,
            status: 'True',
            lastTransitionTime: now,
          })),
        ],
      };
      await this.core.replaceNamespacedPodStatus({ name, namespace, body: pod });
    }
  }

  async #renew(node: string): Promise<void> {
    const namespace = 'kube-node-lease';
    const renewTime = new Date();
    try {
      const lease = await this.coordination.readNamespacedLease({ name: node, namespace });
      lease.spec = { ...lease.spec, renewTime };
      await this.coordination.replaceNamespacedLease({ name: node, namespace, body: lease });
    } catch {
      await this.coordination.createNamespacedLease({
        namespace,
        body: {
          metadata: { name: node, namespace },
          spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime },
        },
      });
    }
  }
}

let kubelets: FakeKubelets | undefined;

const deploymentYaml = (replicas: number): string => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${ns} }
spec:
  replicas: ${replicas}
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      nodeSelector: { kedge.io/e2e-pool: ${ns} }
      containers: [{ name: web, image: "kedge.local/busybox:1", command: [sleep, "3600"] }]
`;

describe('kube-lite workloads through kubectl', () => {
  beforeAll(async () => {
    if (external) kubeconfig = external;
    else {
      dataDir = mkdtempSync(join(tmpdir(), 'kube-lite-e2e-'));
      kube = await startKubeLite({ dataDir, port: 0, nodeMonitorGracePeriodMs: GRACE_MS, log: () => {} });
      kubeconfig = kube.kubeconfigPath;
    }
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    kubelets = new FakeKubelets(config.makeApiClient(CoreV1Api), config.makeApiClient(CoordinationV1Api));
    await kubectl(['apply', '-f', '-'], `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${ns} }\n`);
  });

  afterAll(async () => {
    await kubelets?.stop();
    if (external) {
      await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
      await kubectl(['delete', 'node', ...nodes, '--ignore-not-found']).catch(() => undefined);
    }
    await kube?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps pods Pending and Unschedulable while no node matches', async () => {
    await kubectl(['apply', '-f', '-'], deploymentYaml(3));
    const pods = await eventually('3 unschedulable pods', async () => {
      const items = await podsJson('app=web');
      const unschedulable = items.filter((p) =>
        p.status?.conditions?.some(
          (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
        ),
      );
      return unschedulable.length === 3 && unschedulable;
    });
    expect(pods.every((p) => p.status?.phase === 'Pending')).toBe(true);
    expect(pods[0]!.status!.conditions!.find((c) => c.type === 'PodScheduled')!.message).toMatch(
      /^(0\/\d+ nodes are available: .*node affinity\/selector.*|no nodes available to schedule pods)$/,
    );
  });

  it('schedules onto new nodes and rolls out', async () => {
    const nodeYaml = nodes
      .map((name) => `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\n  labels: { kedge.io/e2e-pool: ${ns} }\n`)
      .join('---\n');
    await kubectl(['apply', '-f', '-'], nodeYaml);
    for (const node of nodes) await kubelets!.postReady(node);
    kubelets!.start();
    await eventually('pods on the fake nodes', async () => {
      const lines = (await kubectl(['get', 'pods', '-n', ns, '-l', 'app=web', '-o', 'wide'])).trim().split('\n');
      const header = lines[0]!.split(/\s{2,}/);
      const column = header.indexOf('NODE');
      return lines.length === 4 && lines.slice(1).every((line) => nodes.includes(line.split(/\s{2,}/)[column] ?? ''));
    });
    await kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
  });

  it('scales, updates the image, and undoes the update', async () => {
    await kubectl(['scale', 'deployment/web', '-n', ns, '--replicas=5']);
    await kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    expect((await podsJson('app=web')).filter((p) => p.status?.phase === 'Running')).toHaveLength(5);

    await kubectl(['set', 'image', 'deployment/web', '-n', ns, 'web=kedge.local/busybox:2']);
    await kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    await eventually('only new pods', async () => {
      const pods = (await podsJson('app=web')).filter((p) => !p.metadata?.deletionTimestamp);
      return pods.length === 5 && pods.every((p) => p.spec?.containers[0]?.image === 'kedge.local/busybox:2');
    });
    const history = await kubectl(['rollout', 'history', 'deployment/web', '-n', ns]);
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);

    await kubectl(['rollout', 'undo', 'deployment/web', '-n', ns]);
    await kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    const image = await kubectl([
      'get',
      'deployment/web',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image).toBe('kedge.local/busybox:1');
    const replicaSets = (await kubectl(['get', 'rs', '-n', ns, '-l', 'app=web', '-o', 'name'])).trim().split('\n');
    expect(replicaSets).toHaveLength(2);
  });

  it('runs a DaemonSet pod on each node and shows scheduling events', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      nodeSelector: { kedge.io/e2e-pool: ${ns} }
      containers: [{ name: agent, image: "kedge.local/busybox:1" }]
`,
    );
    await kubectl(['rollout', 'status', 'daemonset/agent', '-n', ns, '--timeout=60s']);
    const placed = (await podsJson('app=agent')).map((p) => p.spec?.nodeName).sort();
    expect(placed).toEqual([...nodes].sort());

    const [pod] = await podsJson('app=web');
    const described = await kubectl(['describe', 'pod', pod!.metadata!.name!, '-n', ns]);
    expect(described).toMatch(/Scheduled\s+.*Successfully assigned .* to kl-e2e-/);
  });

  it('cascades kubectl delete deployment to ReplicaSets and pods', async () => {
    await kubectl(['delete', 'deployment', 'web', '-n', ns]);
    await eventually('ReplicaSets and pods gone', async () => {
      const left = await kubectl(['get', 'rs,pods', '-n', ns, '-l', 'app=web', '-o', 'name']);
      return left.trim() === '';
    });
  });

  it.skipIf(external !== undefined)(
    'marks a node whose lease lapses Unknown and unreachable:NoSchedule without evicting its pods',
    async () => {
      const [, silent] = nodes as [string, string];
      kubelets!.paused.add(silent);
      const node = await eventually(
        'node Unknown and tainted',
        async () => {
          const n = JSON.parse(await kubectl(['get', 'node', silent, '-o', 'json'])) as V1Node;
          const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
          const tainted = n.spec?.taints?.some(
            (t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule',
          );
          return ready?.status === 'Unknown' && tainted && n;
        },
        GRACE_MS * 10,
      );
      expect(node.spec?.taints?.some((t) => t.effect === 'NoExecute')).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
      const onSilent = (await podsJson('app=agent')).filter((p) => p.spec?.nodeName === silent);
      expect(onSilent).toHaveLength(1);
      expect(onSilent[0]!.metadata?.deletionTimestamp).toBeUndefined();

      kubelets!.paused.delete(silent);
      await eventually('taint removed after renewal', async () => {
        const taints = await kubectl(['get', 'node', silent, '-o', 'jsonpath={.spec.taints}']);
        return !taints.includes('node.kubernetes.io/unreachable');
      });
    },
  );

  it('empties and removes the namespace on delete', async () => {
    await kubectl(['delete', 'namespace', ns, '--timeout=60s']);
    await eventually('namespace gone', async () =>
      (await kubectl(['get', 'namespaces', '-o', 'name'])).split('\n').every((line) => line !== `namespace/${ns}`),
    );
  });
});
