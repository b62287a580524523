// What the container side costs edgecore: RSS of the runtime and pods modules
// without Docker, the extra RSS once dockerode is loaded (it is imported only
// when a DockerRuntime is first used), and the cost per pod of a PodManager
// on the simulated runtime (hollow nodes) plus its idle CPU.
// Each configuration runs in its own process; one JSON line on stdout.
//   npx tsx bench/footprint-runtime/footprint.ts [pods=1000]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pods = Number(process.argv[2] ?? 1000);
const child = fileURLToPath(new URL('./footprint-child.ts', import.meta.url));

interface Sample {
  rssMb: number;
  heapMb: number;
  idleCpuMsPerSec?: number;
}

function measure(mode: string): Sample {
  // Median of three runs: RSS on a shared box moves by a few hundred KB.
  const runs = [0, 1, 2].map(() => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, mode, String(pods)], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    return JSON.parse(out.trim().split('\n').at(-1) as string) as Sample;
  });
  return runs.sort((a, b) => a.rssMb - b.rssMb)[1] as Sample;
}

const round = (n: number): number => Math.round(n * 10) / 10;
const baseline = measure('baseline');
const docker = measure('docker');
const simPods = measure('sim-pods');
process.stdout.write(
  `${JSON.stringify({
    bench: 'runtime-footprint',
    node: process.version,
    pods,
    baselineRssMb: round(baseline.rssMb),
    dockerodeRssDeltaMb: round(docker.rssMb - baseline.rssMb),
    simulatedPodsRssDeltaMb: round(simPods.rssMb - baseline.rssMb),
    perSimulatedPodKb: round(((simPods.rssMb - baseline.rssMb) * 1024) / pods),
    // RSS keeps the heap's high-water mark of the start-up burst; live heap is what a pod holds.
    perSimulatedPodHeapKb: round(((simPods.heapMb - baseline.heapMb) * 1024) / pods),
    idleCpuMsPerSec: round(simPods.idleCpuMsPerSec ?? 0),
  })}\n`,
);
