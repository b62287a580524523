// The few Docker Engine API calls the CLI makes (ping, list and remove
// containers by label), over the unix socket with node:http: the CLI does not
// need dockerode's weight for three requests.
import { request } from 'node:http';
import { CliError, ExitCode, describe } from '../errors';
import { DEFAULT_CLAIMS_ROOT, POD_IP_LABEL, releaseSandboxAddresses } from './pod-addresses';

/** Label edgecore puts on every container it creates (apps/edgecore runtime labels). */
export const NODE_NAME_LABEL = 'io.kedge.node.name';
export const POD_UID_LABEL = 'io.kedge.pod.uid';
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

interface EngineResponse {
  status: number;
  text: string;
}

function call(socketPath: string, method: string, path: string, timeoutMs: number): Promise<EngineResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** True when a Docker engine answers /_ping on the socket within `timeoutMs`. */
export async function dockerReachable(socketPath = DEFAULT_DOCKER_SOCKET, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await call(socketPath, 'GET', '/_ping', timeoutMs);
    return res.status === 200;
  } catch {
    return false;
  }
}

export interface RemovedContainers {
  removed: string[];
}

export interface RemoveOptions {
  /** Docker socket; default /var/run/docker.sock. */
  socketPath?: string;
  /** Only containers of these pods (by uid): another fleet may reuse the node names. Default: all. */
  podUids?: ReadonlySet<string>;
  /** Per-request deadline; default 30000. */
  timeoutMs?: number;
  /** Where edgecore claims pod addresses; the removed sandboxes' claims are freed. Default /var/lib/kedge/ipam. */
  claimsRoot?: string;
}

/** Force-removes the containers edgecore made for `nodeNames` (by its labels). */
export async function removeNodeContainers(
  nodeNames: readonly string[],
  options: RemoveOptions = {},
): Promise<RemovedContainers> {
  const socketPath = options.socketPath ?? DEFAULT_DOCKER_SOCKET;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const removed: string[] = [];
  const addressed: { name: string; ip: string }[] = [];
  for (const node of nodeNames) {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${NODE_NAME_LABEL}=${node}`] }));
    let list: EngineResponse;
    try {
      list = await call(socketPath, 'GET', `/containers/json?all=true&filters=${filters}`, timeoutMs);
    } catch (err) {
      throw new CliError('DOCKER_ERROR', ExitCode.runtime, `cannot list containers of node ${node}: ${describe(err)}`, {
        hint: `check that Docker runs and ${socketPath} is accessible (docker ps)`,
        cause: err,
      });
    }
    if (list.status !== 200)
      throw new CliError(
        'DOCKER_ERROR',
        ExitCode.runtime,
        `Docker answered HTTP ${list.status} listing containers: ${list.text.slice(0, 200)}`,
      );
    const containers = JSON.parse(list.text) as { Id: string; Names?: string[]; Labels?: Record<string, string> }[];
    const chosen = containers.filter((c) => !options.podUids || options.podUids.has(c.Labels?.[POD_UID_LABEL] ?? ''));
    for (const c of chosen) {
      const ip = c.Labels?.[POD_IP_LABEL];
      if (ip) addressed.push({ name: (c.Names?.[0] ?? '').replace(/^\//, ''), ip });
    }
    for (const id of chosen.map((c) => c.Id)) {
      const res = await call(socketPath, 'DELETE', `/containers/${id}?force=true&v=true`, timeoutMs);
      if (res.status !== 204 && res.status !== 404) {
        throw new CliError(
          'DOCKER_ERROR',
          ExitCode.runtime,
          `cannot remove container ${id.slice(0, 12)}: HTTP ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
      removed.push(id);
    }
  }
  await releaseSandboxAddresses(options.claimsRoot ?? DEFAULT_CLAIMS_ROOT, addressed);
  return { removed };
}
