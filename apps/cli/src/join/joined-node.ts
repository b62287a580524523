// Reads back what `kedge join` wrote: the node name and, for the Docker
// runtime, the socket its containers live behind (used by reset and up).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_DOCKER_SOCKET } from '../docker/engine';
import { CliError, ExitCode } from '../errors';
import { EDGECORE_CONFIG_FILE } from './edgecore-config';

export interface JoinedNode {
  nodeName: string;
  dockerSocket: string | undefined;
  /** The pod bridge whose address claims the node holds; undefined when pods use Docker's network. */
  podBridge: string | undefined;
}

/** Reads what reset needs from edgecore.yaml; refuses dirs that are not a joined node. */
export function readJoinedNode(dataDir: string): JoinedNode {
  const file = join(dataDir, EDGECORE_CONFIG_FILE);
  if (!existsSync(file)) {
    throw new CliError('BAD_INPUT', ExitCode.usage, `${dataDir} is not a joined node (no ${EDGECORE_CONFIG_FILE})`, {
      hint: 'pass the --data-dir given to `kedge join`',
    });
  }
  const config = parse(readFileSync(file, 'utf8')) as {
    nodeName?: unknown;
    runtime?: { type?: unknown; dockerSocket?: unknown; podNetwork?: unknown; bridge?: unknown };
  } | null;
  if (!config || typeof config.nodeName !== 'string') {
    throw new CliError('BAD_INPUT', ExitCode.usage, `${file} has no nodeName`, {
      hint: 'fix the file or remove the directory by hand',
    });
  }
  const docker = config.runtime?.type === 'docker';
  const socket = typeof config.runtime?.dockerSocket === 'string' ? config.runtime.dockerSocket : DEFAULT_DOCKER_SOCKET;
  const onBridge = docker && config.runtime?.podNetwork !== 'docker';
  const bridge = typeof config.runtime?.bridge === 'string' ? config.runtime.bridge : 'kedge0';
  return {
    nodeName: config.nodeName,
    dockerSocket: docker ? socket : undefined,
    podBridge: onBridge ? bridge : undefined,
  };
}
