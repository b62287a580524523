// Footprint of an edge node running pods, over real processes (kube-lite,
// cloudcore and two edgecores from esbuild bundles; edge-1 on Docker):
// - time from `kubectl apply` of a 10-replica Deployment (image present) to 10 pods Running,
//   beside the time Docker alone takes for the same containers right after (engine-only.ts),
// - bytes on the wire for it: cloudcore's kedge_cloudcore_node_wire_bytes_total for edge-1,
// - edgecore RSS and CPU (ms per s, /proc/<pid>/stat) idle with the 10 pods, for three launches
//   of the same pods (each restart adopts the running containers),
// - cloudcore RSS holding the 2 nodes.
// Prints one JSON line.   npx tsx bench/footprint [idleSeconds=30] [--pod-network bridge|docker]
import { ensureDockerTestImage, TEST_IMAGE } from '@kedge/testkit';
import { bundleApp } from '../support/bundle';
import { engineOnlyMs, type PodNetwork } from './engine-only';
import { sh, startBenchFleet, type EdgeLaunch } from './fleet';
import { cpuMs, rssMb } from './proc-stat';
import { nodeBytes, settled, watchRollout } from './rollout';

function parseArgs(argv: string[]): { idleSeconds: number; podNetwork: PodNetwork } {
  let idleSeconds = 30;
  let podNetwork: PodNetwork = 'bridge';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--pod-network') {
      const value = argv[++i];
      if (value !== 'bridge' && value !== 'docker')
        throw new Error(`--pod-network is "${String(value)}"; use bridge or docker`);
      podNetwork = value;
    } else if (/^\d+$/.test(arg) && Number(arg) > 0) idleSeconds = Number(arg);
    else
      throw new Error(`unknown argument "${arg}"; usage: bench/footprint [idleSeconds] [--pod-network bridge|docker]`);
  }
  return { idleSeconds, podNetwork };
}

/** A bad argument: one line naming it, exit code 2. */
function argsOrExit(argv: string[]): ReturnType<typeof parseArgs> {
  try {
    return parseArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}

const { idleSeconds, podNetwork } = argsOrExit(process.argv.slice(2));
const PODS = 10;
const EDGE = 'edge-1';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS sampled each second (median, max) and CPU over the whole idle window. */
async function idle(pid: number) {
  const rss: number[] = [];
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  for (let s = 0; s < idleSeconds; s += 1) {
    await sleep(1000);
    rss.push(rssMb(pid));
  }
  const cpuMsPerSec = (cpuMs(pid) - cpu0) / ((performance.now() - t0) / 1000);
  return { rssMb: round(median(rss)), rssMaxMb: round(Math.max(...rss)), idleCpuMsPerSec: round(cpuMsPerSec, 2) };
}

const appContainers = async () =>
  (
    await sh('docker', [
      'ps',
      '-q',
      '--filter',
      `label=io.kedge.node.name=${EDGE}`,
      '--filter',
      'label=io.kedge.container.kind=app',
    ])
  )
    .split('\n')
    .filter(Boolean)
    .sort();

function deployment(name: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: PODS,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': EDGE },
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: TEST_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sleep', '86400'],
            },
          ],
        },
      },
    },
  };
}

async function main(): Promise<void> {
  await ensureDockerTestImage();
  const env = { MALLOC_ARENA_MAX: '1' };
  const bundle = await bundleApp('edgecore');
  const launches: Record<string, EdgeLaunch> = {
    bundle: { bundle, nodeFlags: [], env },
    bundleLiteMode: { bundle, nodeFlags: ['--lite-mode'], env },
  };
  const nodes = [
    { name: EDGE, runtime: 'docker' as const },
    { name: 'edge-2', runtime: 'simulated' as const },
  ];
  const fleet = await startBenchFleet(nodes, launches.bundle as EdgeLaunch, podNetwork);
  try {
    const metrics = async () =>
      nodeBytes(await (await fetch(`http://127.0.0.1:${fleet.cloudHealthPort}/metrics`)).text(), EDGE);
    const before = await settled(async () => (await metrics()).wire, 1000);
    const payloadBefore = (await metrics()).payload;

    const rollout = await watchRollout(fleet.kubeconfig, 'footprint', PODS);
    const t0 = performance.now();
    await sh(
      'kubectl',
      ['apply', '-f', '-'],
      { KUBECONFIG: fleet.kubeconfig },
      JSON.stringify(deployment('footprint')),
    );
    const applied = performance.now();
    const marks = await rollout.done;
    const after = await settled(async () => (await metrics()).wire, 2000);
    const payloadAfter = (await metrics()).payload;
    const containers = await appContainers();
    const engineOnly = {
      bridge: await engineOnlyMs(PODS, TEST_IMAGE, 'bridge'),
      dockerNetwork: await engineOnlyMs(PODS, TEST_IMAGE, 'docker'),
    };

    const edgecore: Record<string, Awaited<ReturnType<typeof idle>> & { adopted: boolean }> = {};
    for (const [name, launch] of Object.entries(launches)) {
      const edge = name === 'bundle' ? fleet.edges.get(EDGE) : await fleet.restartEdge(EDGE, launch);
      if (!edge) throw new Error(`${EDGE} is not running`);
      await settled(async () => (await metrics()).wire, 2000);
      edgecore[name] = {
        ...(await idle(edge.pid)),
        adopted: JSON.stringify(await appContainers()) === JSON.stringify(containers),
      };
    }

    process.stdout.write(
      `${JSON.stringify({
        bench: 'footprint',
        node: process.version,
        pods: PODS,
        podNetwork,
        runningContainers: containers.length,
        applyToAllRunningMs: Math.round(marks.allRunningAt - t0),
        kubectlApplyMs: Math.round(applied - t0),
        applyToAllBoundMs: Math.round(marks.allBoundAt - t0),
        applyToFirstRunningMs: Math.round(marks.firstRunningAt - t0),
        engineOnlyMs: engineOnly,
        wireBytes: after - before,
        wireBytesPerPod: Math.round((after - before) / PODS),
        payloadBytes: payloadAfter - payloadBefore,
        idleSeconds,
        edgecore,
        cloudcoreRssMb: round(rssMb(fleet.cloudcore.pid)),
        cloudcoreNodes: fleet.edges.size,
      })}\n`,
    );
  } finally {
    await fleet.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`footprint bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
