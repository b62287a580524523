// kube-lite controllers benchmark: `npx tsx bench/controllers [--nodes N] [--pods P] [--deployments D]`.
// Prints ONE JSON line.
//
// Runs kube-lite in this process with all its default controllers and
// registers N Ready nodes, then creates D Deployments of P pods in all and
// waits until the scheduler has bound every pod. The figure is pods bound
// per CPU-second of the process (Deployment, ReplicaSet and scheduler work
// together), which holds on a busy machine where wall time does not.
import { parseArgs } from 'node:util';
import { scaleProbe } from '@kedge/kube-lite/scale-probe';

const USAGE = 'usage: npx tsx bench/controllers [--nodes N] [--pods P] [--deployments D]';

function positive(values: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"\n${USAGE}`);
  return n;
}

let options: { nodes: number; pods: number; deployments: number };
try {
  const { values } = parseArgs({
    options: { nodes: { type: 'string' }, pods: { type: 'string' }, deployments: { type: 'string' } },
  });
  options = {
    nodes: positive(values, 'nodes', 10_000),
    pods: positive(values, 'pods', 20_000),
    deployments: positive(values, 'deployments', 4),
  };
} catch (err) {
  console.error(err instanceof Error ? err.message.split('\n')[0] : String(err));
  console.error(USAGE);
  process.exit(2);
}

const result = await scaleProbe({ ...options, timeoutMs: 600_000 });
console.log(
  JSON.stringify({
    bench: 'controllers',
    ...result,
    podsBoundPerCpuSecond: Math.round((result.boundPods * 1000) / Math.max(1, result.cpuMs)),
  }),
);
