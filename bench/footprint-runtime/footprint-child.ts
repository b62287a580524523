// Child of footprint.ts: builds one configuration, then prints its settled RSS and heap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodManager } from '@kedge/edgecore/src/pods';
import { DockerRuntime, SimulatedRuntime } from '@kedge/edgecore/src/runtime';

const mode = process.argv[2] ?? 'baseline';
const pods = Number(process.argv[3] ?? 1000);

async function settledRssMb(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  return process.memoryUsage().rss / 2 ** 20;
}

const docker = new DockerRuntime();
const volumeDir = mkdtempSync(join(tmpdir(), 'kedge-bench-'));
let idleCpuMsPerSec: number | undefined;
if (mode === 'docker') await docker.version();
if (mode === 'sim-pods') {
  const manager = new PodManager({
    runtime: new SimulatedRuntime(),
    nodeName: 'bench',
    resolve: () => undefined,
    volumeDir,
    hostIP: '192.0.2.1',
  });
  let running = 0;
  const allRunning = new Promise<void>((resolve) =>
    manager.onStatus((_ref, status) => {
      if (status.phase === 'Running' && ++running === pods) resolve();
    }),
  );
  await manager.start();
  for (let i = 0; i < pods; i++) {
    manager.upsertPod({
      metadata: { name: `app-${i}`, namespace: 'default', uid: `uid-${i}` },
      spec: { containers: [{ name: 'app', image: 'toll/app:1', env: [{ name: 'LANE', value: String(i) }] }] },
    });
  }
  await allRunning;
  // Let the last events of the start-up burst settle, then watch an idle node.
  await new Promise((r) => setTimeout(r, 2_000));
  const cpu = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 3_000));
  const used = process.cpuUsage(cpu);
  idleCpuMsPerSec = (used.user + used.system) / 1000 / 3;
}
const rssMb = await settledRssMb();
const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
process.stdout.write(
  `${JSON.stringify({ mode, rssMb, heapMb, ...(idleCpuMsPerSec !== undefined ? { idleCpuMsPerSec } : {}) })}\n`,
);
rmSync(volumeDir, { recursive: true, force: true });
process.exit(0);
