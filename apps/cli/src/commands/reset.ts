// `kedge reset`: undoes `kedge join` on an edge node — removes the containers
// edgecore made for this node, the pod addresses it held and the node's data
// dir (key, certificate, SQLite state). Stop edgecore first; reset does not
// stop processes.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { dockerReachable, removeNodeContainers } from '../docker/engine';
import { DEFAULT_CLAIMS_ROOT, releaseNodeAddresses } from '../docker/pod-addresses';
import { CliError, ExitCode } from '../errors';
import { readJoinedNode } from '../join/joined-node';
import type { Output } from './output';

export interface ResetOptions {
  dataDir: string;
  yes: boolean;
  /** Where edgecore keeps pod address claims, one directory per bridge. */
  claimsRoot?: string;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export async function reset(opts: ResetOptions, out: Output): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  const node = readJoinedNode(dataDir);
  if (!opts.yes) {
    if (!process.stdin.isTTY) {
      throw new CliError('NOT_CONFIRMED', ExitCode.usage, 'reset needs confirmation and stdin is not a terminal', {
        hint: 'pass --yes to confirm',
      });
    }
    const what = `${node.dockerSocket ? `the containers of node ${node.nodeName} and ` : ''}${dataDir}`;
    if (!(await confirm(`Remove ${what}?`))) {
      throw new CliError('NOT_CONFIRMED', ExitCode.usage, 'reset cancelled; nothing was removed', {
        hint: 'answer y, or pass --yes',
      });
    }
  }
  if (node.dockerSocket) {
    if (await dockerReachable(node.dockerSocket)) {
      const { removed } = await removeNodeContainers([node.nodeName], {
        socketPath: node.dockerSocket,
        ...(opts.claimsRoot ? { claimsRoot: opts.claimsRoot } : {}),
      });
      out.info(`removed ${removed.length} container(s) of node ${node.nodeName}`);
    } else {
      out.info(
        `Docker is not reachable at ${node.dockerSocket}: containers of ${node.nodeName}, if any, were left in place`,
      );
    }
  }
  if (node.podBridge) {
    // Also what edgecore claimed but never made a container for.
    const freed = await releaseNodeAddresses(opts.claimsRoot ?? DEFAULT_CLAIMS_ROOT, node.podBridge, node.nodeName);
    if (freed > 0) out.info(`freed ${freed} pod address(es) of node ${node.nodeName} on bridge ${node.podBridge}`);
  }
  await rm(dataDir, { recursive: true, force: true });
  out.data(
    `node ${node.nodeName} reset: ${dataDir} removed. Delete the Node object with: kubectl delete node ${node.nodeName}`,
  );
}
