/**
 * Scale benchmark: `npx tsx bench/scale --nodes N --pods-per-node P [--replicas R]
 * [--processes K] [--start-per-second S] [--churn-per-second C] [--churn-seconds T]
 * [--phase-timeout-seconds W] [--no-storm] [--no-compression]`.
 * Starts kube-lite (or uses E2E_KUBECONFIG), R cloudcore replicas and N
 * hollow edge nodes (edgecore's real hub client, store and pod manager on a
 * simulated runtime) in K processes; prints one JSON line on stdout,
 * progress on stderr. See docs/benchmarks/scale.md.
 */
import { parseArgs } from 'node:util';
import { intFlag } from '../support/flags';
import { runScale, type ScaleOptions } from './run';

const usage =
  'usage: npx tsx bench/scale --nodes N --pods-per-node P [--replicas R] [--processes K] [--start-per-second S] [--churn-per-second C] [--churn-seconds T] [--phase-timeout-seconds W] [--no-storm] [--no-compression]';

async function main(): Promise<number> {
  let values: Record<string, unknown>;
  let options: ScaleOptions;
  try {
    ({ values } = parseArgs({
      options: {
        nodes: { type: 'string' },
        'pods-per-node': { type: 'string' },
        replicas: { type: 'string' },
        processes: { type: 'string' },
        'start-per-second': { type: 'string' },
        'churn-per-second': { type: 'string' },
        'churn-seconds': { type: 'string' },
        'phase-timeout-seconds': { type: 'string' },
        'no-storm': { type: 'boolean', default: false },
        'no-compression': { type: 'boolean', default: false },
      },
      strict: true,
    }));
    const nodes = intFlag(values, 'nodes', undefined, 1);
    options = {
      nodes,
      podsPerNode: intFlag(values, 'pods-per-node', undefined, 0),
      replicas: intFlag(values, 'replicas', 1, 1),
      processes: intFlag(values, 'processes', Math.max(1, Math.ceil(nodes / 2_500)), 1),
      startPerSecond: intFlag(values, 'start-per-second', 100, 1),
      churnPerSecond: intFlag(values, 'churn-per-second', 10, 0),
      churnSeconds: intFlag(values, 'churn-seconds', 20, 1),
      phaseTimeoutMs: intFlag(values, 'phase-timeout-seconds', 600, 10) * 1000,
      storm: !values['no-storm'],
      compression: !values['no-compression'],
      kubeconfig: process.env.E2E_KUBECONFIG || undefined,
      log: (message: string, fields: Record<string, unknown> = {}) =>
        process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), msg: message, ...fields })}\n`),
    };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  try {
    const result = await runScale(options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exit(await main());
