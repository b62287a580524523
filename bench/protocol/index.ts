/**
 * Codec throughput on the hot path: a Pod ADDED event with a trimmed
 * Deployment-made Pod as body, encoded and decoded (with full validation).
 *
 *   npx tsx bench/protocol
 *
 * Prints one JSON line. Bounded: 5 timed rounds of about 1 s each.
 */
import { cpus, loadavg } from 'node:os';
import { decodeFrame, encodeFrame, trimForWire, withDefaults, type Frame } from '@kedge/protocol';
import { deploymentPod } from './pod-fixture';

const ROUNDS = 5;
const ROUND_MS = 1000;
const BATCH = 5000;

interface Rate {
  /** Operations per wall-clock second. */
  readonly wall: number;
  /** Operations per second of CPU time of this process: the one-core figure on a shared machine. */
  readonly cpu: number;
}

/** Median of ROUNDS timed rounds, after a warm-up that lets the JIT settle. */
function measure(fn: () => void): Rate {
  for (let i = 0; i < BATCH * 4; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0;
    const startCpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    let elapsedNs = 0n;
    while (elapsedNs < BigInt(ROUND_MS) * 1_000_000n) {
      for (let i = 0; i < BATCH; i++) fn();
      count += BATCH;
      elapsedNs = process.hrtime.bigint() - start;
    }
    const used = process.cpuUsage(startCpu);
    wall.push((count * 1e9) / Number(elapsedNs));
    cpu.push((count * 1e6) / (used.user + used.system));
  }
  const median = (values: number[]): number =>
    Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0);
  return { wall: median(wall), cpu: median(cpu) };
}

const pod = deploymentPod();
const raw = new TextEncoder().encode(JSON.stringify(pod));
const trimmed = new TextEncoder().encode(JSON.stringify(trimForWire(pod)));
const metadata = pod.metadata as { name: string; namespace: string; uid: string; resourceVersion: string };
const frame: Frame = {
  id: 1,
  type: 'object',
  eventType: 'ADDED',
  kind: 'Pod',
  apiVersion: 'v1',
  namespace: metadata.namespace,
  name: metadata.name,
  uid: metadata.uid,
  resourceVersion: metadata.resourceVersion,
  body: trimmed,
  contentHash: '',
};
const limits = withDefaults();
const encoded = encodeFrame(frame);

let sink = 0;
const roundTrips = measure(() => {
  const result = decodeFrame(encodeFrame(frame), limits);
  if (!result.ok) throw result.error;
  sink += result.frame.id;
});
const encodes = measure(() => {
  sink += encodeFrame(frame).length;
});
const decodes = measure(() => {
  const result = decodeFrame(encoded, limits);
  if (!result.ok) throw result.error;
  sink += result.frame.id;
});
const trims = measure(() => {
  sink += Object.keys(trimForWire(pod)).length;
});

console.log(
  JSON.stringify({
    bench: 'protocol',
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    roundTripsPerSec: roundTrips.wall,
    roundTripsPerCpuSec: roundTrips.cpu,
    encodesPerSec: encodes.wall,
    encodesPerCpuSec: encodes.cpu,
    decodesPerSec: decodes.wall,
    decodesPerCpuSec: decodes.cpu,
    trimsPerSec: trims.wall,
    bytesPerFrame: encoded.length,
    bodyBytesRaw: raw.length,
    bodyBytesTrimmed: trimmed.length,
    trimShrinkRatio: Number((raw.length / trimmed.length).toFixed(2)),
    trimSavedPercent: Number((100 * (1 - trimmed.length / raw.length)).toFixed(1)),
    frameOverheadBytes: encoded.length - trimmed.length,
    sink: sink > 0,
  }),
);
