// `kedge reset`: undoes `kedge join` on an edge node — removes the containers
// edgecore made for this node and the node's data dir (key, certificate,
// SQLite state). Stop edgecore first; reset does not stop processes.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { dockerReachable, removeNodeContainers } from '../docker/engine';
import { CliError, ExitCode } from '../errors';
import { readJoinedNode } from '../join/joined-node';
import type { Output } from './output';

export interface ResetOptions {
  dataDir: string;
  yes: boolean;
  /** Where edgecore keeps pod address claims, one directory per bridge. */
  claimsRoot?: string;
}

/**
 * Frees the pod addresses the node held on its bridge. edgecore writes one
 * file per address, named by it, whose first line is the node name.
 */
async function releaseAddressClaims(dir: string, nodeName: string): Promise<number> {
  const files = await readdir(dir).catch(() => [] as string[]);
  let freed = 0;
  for (const file of files) {
    const holder = (await readFile(join(dir, file), 'utf8').catch(() => '')).split('\n')[0];
    if (holder !== nodeName) continue;
    await rm(join(dir, file), { force: true });
    freed++;
  }
  return freed;
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
      const { removed } = await removeNodeContainers([node.nodeName], { socketPath: node.dockerSocket });
      out.info(`removed ${removed.length} container(s) of node ${node.nodeName}`);
    } else {
      out.info(
        `Docker is not reachable at ${node.dockerSocket}: containers of ${node.nodeName}, if any, were left in place`,
      );
    }
  }
  if (node.podBridge) {
    const freed = await releaseAddressClaims(
      join(opts.claimsRoot ?? '/var/lib/kedge/ipam', node.podBridge),
      node.nodeName,
    );
    if (freed > 0) out.info(`freed ${freed} pod address(es) of node ${node.nodeName} on bridge ${node.podBridge}`);
  }
  await rm(dataDir, { recursive: true, force: true });
  out.data(
    `node ${node.nodeName} reset: ${dataDir} removed. Delete the Node object with: kubectl delete node ${node.nodeName}`,
  );
}
