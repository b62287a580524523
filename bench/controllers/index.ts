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
import { intFlag } from '../support/flags';

const USAGE = 'usage: npx tsx bench/controllers [--nodes N] [--pods P] [--deployments D]';

let options: { nodes: number; pods: number; deployments: number };
try {
  const { values } = parseArgs({
    options: { nodes: { type: 'string' }, pods: { type: 'string' }, deployments: { type: 'string' } },
  });
  options = {
    nodes: intFlag(values, 'nodes', 10_000, 1),
    pods: intFlag(values, 'pods', 20_000, 1),
    deployments: intFlag(values, 'deployments', 4, 1),
  };
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
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
