// What the device side costs edgecore in memory: the embedded MQTT broker
// (aedes, loaded only when the event bus starts) and the twin with N devices.
// Each configuration runs in its own process; one JSON line on stdout.
//   npx tsx bench/devices/footprint.ts [devices=1000]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const devices = Number(process.argv[2] ?? 1000);
const child = fileURLToPath(new URL('./footprint-child.ts', import.meta.url));

interface Sample {
  rssMb: number;
  heapMb: number;
}

function measure(mode: string): Sample {
  // Median of five runs: RSS on a shared box moves by a few MB between runs.
  const runs = [0, 1, 2, 3, 4].map(() => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, mode, String(devices)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return JSON.parse(out.trim().split('\n').at(-1)!) as Sample;
  });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[2]!;
  return { rssMb: median(runs.map((r) => r.rssMb)), heapMb: median(runs.map((r) => r.heapMb)) };
}

const baseline = measure('baseline');
const eventbus = measure('eventbus');
const twin = measure('twin');
const round = (n: number) => Math.round(n * 10) / 10;
process.stdout.write(
  `${JSON.stringify({
    bench: 'devices-footprint',
    node: process.version,
    devices,
    baselineRssMb: round(baseline.rssMb),
    eventbusRssDeltaMb: round(eventbus.rssMb - baseline.rssMb),
    eventbusHeapDeltaMb: round(eventbus.heapMb - baseline.heapMb),
    twinRssDeltaMb: round(twin.rssMb - baseline.rssMb),
    twinHeapDeltaMb: round(twin.heapMb - baseline.heapMb),
    twinHeapPerDeviceKb: round(((twin.heapMb - eventbus.heapMb) * 1024) / devices),
  })}\n`,
);
