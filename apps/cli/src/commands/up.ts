// `kedge up`: a whole Kedge on this machine — kube-lite in-process, cloudcore
// and one edgecore per node as child processes (logs in <data-dir>/logs).
// SIGINT/SIGTERM stop everything, including the containers the nodes ran.
import { copyFileSync, createWriteStream, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startEmbeddedApi } from '../fleet/kube-lite';
import { applyObject, readManifestDir } from '../cluster/apply';
import { ensureCa } from '../cluster/ca-secret';
import { namespaceObject } from '../cluster/rbac';
import { dockerReachable, removeNodeContainers } from '../docker/engine';
import type { Child } from '../fleet/children';
import {
  childFailed,
  joinLocalNodes,
  startCloudcore,
  startEdgecores,
  waitNodesReady,
  type LocalNode,
} from '../fleet/local-fleet';
import { CliError, ExitCode, describe } from '../errors';
import { connectKube } from '../kube/client';
import { writeDemoManifest } from '../fleet/demo';
import { findShipped } from '../paths';
import { createProgress } from '../ui/progress';
import { collectFleet, renderFleet } from './status';
import type { Output } from './output';

export interface UpOptions {
  dataDir: string;
  nodes: number;
  runtime: 'docker' | 'simulated' | 'auto';
  /** kube-lite API port. */
  port: number;
  cloudPort: number;
  healthPort: number;
  mqttPort: number;
}

/**
 * Resolves on the first SIGINT/SIGTERM. Later signals within a second are the
 * same Ctrl-C relayed by wrappers (npm, tsx) and are ignored; one after that
 * forces an exit without the orderly teardown.
 */
function stopSignal(out: Output): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    let first = 0;
    const on = (sig: NodeJS.Signals): void => {
      if (first === 0) {
        first = Date.now();
        resolveSignal(sig);
      } else if (Date.now() - first > 1000) {
        out.info(`${sig} again: exiting now; cloudcore, edgecores and their containers may still run`);
        process.exit(130);
      }
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Relative to the working directory when below it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export async function up(opts: UpOptions, out: Output): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  const logsDir = join(dataDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const progress = createProgress();
  const signal = stopSignal(out);
  const children: Child[] = [];
  const kubeLiteLog = createWriteStream(join(logsDir, 'kube-lite.log'), { flags: 'a' });
  let nodes: LocalNode[] = [];
  let stopKubeLite: (() => Promise<void>) | undefined;

  let podUids: () => Promise<Set<string>> = async () => new Set();
  // Every step runs even if an earlier one fails: a broken API must not leave processes behind.
  const attempt = async (what: string, step: () => Promise<void>): Promise<void> => {
    await step().catch((err: unknown) => out.info(`could not ${what}: ${describe(err)}`));
  };
  const teardown = async (): Promise<void> => {
    // Edges first, so they do not chase a cloud that is going away.
    const [cloud, ...edges] = children;
    await attempt('stop edgecores', async () => void (await Promise.all(edges.map((c) => c.stop()))));
    await attempt('stop cloudcore', async () => void (await cloud?.stop()));
    const dockerNodes = nodes.filter((n) => n.runtime === 'docker').map((n) => n.name);
    await attempt('remove containers', async () => {
      if (dockerNodes.length === 0 || !(await dockerReachable())) return;
      // Only this fleet's pods: another fleet on the host may use the same node names.
      const { removed } = await removeNodeContainers(dockerNodes, { podUids: await podUids() });
      if (removed.length > 0) out.info(`removed ${removed.length} container(s)`);
    });
    await attempt('stop kube-lite', async () => stopKubeLite?.());
    kubeLiteLog.end();
  };
  let stopping = false;
  void signal.then(() => (stopping = true));

  try {
    const kl = await progress.step(`starting kube-lite on 127.0.0.1:${opts.port}`, () =>
      startEmbeddedApi({
        dataDir: join(dataDir, 'kube-lite'),
        port: opts.port,
        host: '127.0.0.1',
        log: (level, message, fields) =>
          kubeLiteLog.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`),
      }),
    );
    stopKubeLite = () => kl.stop();
    const kubeLiteFailed = kl.closed.then((error) => ({ error }));
    const kubeconfigPath = join(dataDir, 'kubeconfig');
    copyFileSync(kl.kubeconfigPath, kubeconfigPath);
    const kube = connectKube(kubeconfigPath);
    podUids = async () => new Set((await kube.core.listPodForAllNamespaces()).items.map((p) => p.metadata?.uid ?? ''));

    const ca = await progress.step('preparing namespace, CRDs and CA', async () => {
      await applyObject(kube, namespaceObject());
      const crdDir = findShipped(join('deploy', 'crds', 'devices'));
      if (crdDir) for (const crd of await readManifestDir(crdDir)) await applyObject(kube, crd);
      else out.info('deploy/crds/devices not found next to kedge: device CRDs skipped');
      return (await ensureCa(kube)).ca;
    });

    children.push(
      await progress.step('starting cloudcore', () => startCloudcore(kubeconfigPath, logsDir, opts, signal)),
    );
    if (stopping) return;

    const runtime = opts.runtime === 'auto' ? ((await dockerReachable()) ? 'docker' : 'simulated') : opts.runtime;
    if (opts.runtime === 'auto' && runtime === 'simulated')
      out.info('Docker is not reachable: edge nodes use the simulated runtime');
    nodes = await progress.step(`joining ${opts.nodes} edge node(s) (${runtime} runtime)`, () =>
      joinLocalNodes(kube, ca.certPem, opts.nodes, dataDir, runtime, opts),
    );
    const reused = nodes.filter((n) => !n.joinedNow);
    if (reused.length > 0) {
      const runtimes = reused.map((n) => `${n.name} (${n.runtime})`).join(', ');
      out.info(`reusing the earlier join of ${runtimes}; delete ${dataDir} to start afresh`);
    }

    const edgecores = startEdgecores(nodes, logsDir);
    children.push(...edgecores);
    const anyExit = Promise.race(children.map((c) => c.exited.then((code) => ({ child: c, code }))));
    const missing = await progress.step('waiting for nodes to be Ready', () =>
      waitNodesReady(
        kube,
        nodes.map((n) => n.name),
        120_000,
        Promise.race([anyExit, signal]),
      ),
    );
    const crashed = children.find((c) => c.process.exitCode !== null || c.process.signalCode !== null);
    if (crashed)
      throw childFailed(crashed, 'exited', crashed.process.exitCode ?? crashed.process.signalCode ?? 'unknown');
    if (missing.length > 0) out.info(`not Ready yet: ${missing.join(', ')} (see ${logsDir}/)`);

    out.data('');
    out.data(renderFleet(await collectFleet(kube, 'kedge.io/group', `http://127.0.0.1:${opts.healthPort}/metrics`)));
    out.data('');
    out.data(`export KUBECONFIG=${shortPath(kubeconfigPath)}`);
    out.data('kubectl get nodes -o wide');
    out.data(`kubectl apply -f ${shortPath(writeDemoManifest(dataDir, nodes.length))}`);
    out.data('kubectl get pods -o wide');
    out.data('');
    out.info(`logs: ${logsDir}/   Press Ctrl-C to stop.`);

    const first = await Promise.race([signal.then((sig) => ({ sig })), anyExit, kubeLiteFailed]);
    if ('child' in first) throw childFailed(first.child, 'exited unexpectedly', first.code);
    if ('error' in first) {
      throw new CliError(
        'PROCESS_FAILED',
        ExitCode.runtime,
        `kube-lite stopped: ${first.error?.message ?? 'unknown reason'}`,
        { hint: `see ${logsDir}/kube-lite.log` },
      );
    }
  } finally {
    if (stopping) out.info(`${await signal}: stopping...`);
    await teardown();
    out.info('stopped');
  }
}
