import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { NetworkCommandError, NetworkOptionsError } from '../errors';
import { filterRules, type FilterState } from './netns-filter';
import { networkNames, removeAtExit, removeNetwork } from './netns-cleanup';
import { networkTool, requireEdgeNetworkSupport } from './prerequisites';
import { runCommand, type RunResult } from './run-command';

export interface EdgeNetworkOptions {
  /** Short label, [a-z0-9-], put into the namespace name, e.g. `edge1`. */
  name: string;
  /** Picks the subnet 10.213.<subnetIndex>.0/24 (host .1, namespace .2); 0..255, one per live network. */
  subnetIndex: number;
}

export interface ShapeOptions {
  /** Link rate in kbit/s, each direction (3 Mbit/s = 3000). */
  rateKbit: number;
  /** Token bucket size in bytes. Default: 10 ms at the rate, at least two full frames (3028). */
  burstBytes?: number;
  /** Longest a packet may queue before tbf drops it, in ms (sets the queue length). Default 100. */
  latencyMs?: number;
}

export interface EdgeNetwork {
  /** Network namespace name, unique per test run. */
  readonly name: string;
  /** Address of the host end (services on the host listen here or on 0.0.0.0). */
  readonly hostAddress: string;
  /** Address of the namespace end. */
  readonly nsAddress: string;
  readonly hostInterface: string;
  readonly nsInterface: string;
  /** Runs a command inside the namespace and resolves to its output; non-zero exit throws NetworkCommandError. */
  exec(command: string, args?: string[], options?: { timeoutMs?: number }): Promise<RunResult>;
  /** Spawns a child process inside the namespace; destroy() kills it. */
  spawn(command: string, args?: string[], options?: SpawnOptions): ChildProcess;
  /** `[command, args]` that run inside the namespace, for startProcess. */
  wrapCommand(command: string, args?: string[]): [string, string[]];
  /** Limits both directions with tc tbf (egress of each veth end). Calling again replaces the shape. */
  shape(options: ShapeOptions): Promise<void>;
  /** Removes the shaping. */
  unshape(): Promise<void>;
  /** Drops `percent` (0..100) of packets on the veth, each direction independently; 0 stops the loss. */
  loss(percent: number): Promise<void>;
  /** Silently drops everything on the link: open TCP sockets stay open and retransmit, like a real outage. */
  cut(): Promise<void>;
  /** Ends a cut; loss set by loss() stays. */
  restore(): Promise<void>;
  /** Kills processes in the namespace and deletes namespace and veth pair. Idempotent. */
  destroy(): Promise<void>;
}

const live = new Set<EdgeNetwork>();

function validate(options: EdgeNetworkOptions): void {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(options.name ?? '')) {
    throw new NetworkOptionsError(
      `edge network name ${JSON.stringify(options.name)} is invalid: use 1-32 characters of a-z, 0-9 and inner '-'`,
      { name: options.name },
    );
  }
  if (!Number.isInteger(options.subnetIndex) || options.subnetIndex < 0 || options.subnetIndex > 255) {
    throw new NetworkOptionsError(
      `edge network ${options.name}: subnetIndex ${options.subnetIndex} is invalid: use an integer 0..255 (subnet 10.213.<n>.0/24)`,
      { name: options.name, subnetIndex: options.subnetIndex },
    );
  }
}

function tbfArgs(o: ShapeOptions): string[] {
  if (!Number.isInteger(o.rateKbit) || o.rateKbit < 8) {
    throw new NetworkOptionsError(`shape: rateKbit ${o.rateKbit} is invalid: use an integer >= 8 (3 Mbit/s = 3000)`, {
      rateKbit: o.rateKbit,
    });
  }
  const burstBytes = o.burstBytes ?? Math.max(3028, Math.ceil((o.rateKbit * 1000) / 8 / 100));
  const latencyMs = o.latencyMs ?? 100;
  if (!Number.isInteger(burstBytes) || burstBytes < 1600) {
    throw new NetworkOptionsError(
      `shape: burstBytes ${burstBytes} is invalid: use an integer >= 1600 (one full frame)`,
      {
        burstBytes,
      },
    );
  }
  if (!(latencyMs > 0)) {
    throw new NetworkOptionsError(`shape: latencyMs ${latencyMs} is invalid: use a number > 0`, { latencyMs });
  }
  return ['root', 'tbf', 'rate', `${o.rateKbit}kbit`, 'burst', String(burstBytes), 'latency', `${latencyMs}ms`];
}

async function assertSubnetFree(ip: string, subnetIndex: number): Promise<void> {
  const { stdout } = await runCommand(ip, ['-4', '-o', 'addr', 'show']);
  const prefix = `10.213.${subnetIndex}.`;
  const user = stdout.split('\n').find((line) => line.includes(` inet ${prefix}`));
  if (user) {
    const device = user.split(/\s+/)[1];
    throw new NetworkOptionsError(
      `subnetIndex ${subnetIndex} is in use (10.213.${subnetIndex}.0/24 on ${device}): pick another subnetIndex, ` +
        'or call removeStaleNetworks() if a killed test run left it behind',
      { subnetIndex, device },
    );
  }
}

/**
 * Creates a network namespace joined to the host by a veth pair, with
 * 10.213.<subnetIndex>.1 on the host end and .2 inside. There is no default
 * route: processes inside reach only the host end (where the cloud side
 * listens). Destroyed by destroy(), destroyAllNetworks() or process exit.
 */
export async function createEdgeNetwork(options: EdgeNetworkOptions): Promise<EdgeNetwork> {
  validate(options);
  requireEdgeNetworkSupport();
  const ip = networkTool('ip');
  const tc = networkTool('tc');
  await assertSubnetFree(ip, options.subnetIndex);
  const names = networkNames(options.name);
  const { namespace, hostInterface, nsInterface } = names;
  const hostAddress = `10.213.${options.subnetIndex}.1`;
  const nsAddress = `10.213.${options.subnetIndex}.2`;
  const unhook = removeAtExit(names);
  try {
    await runCommand(ip, ['netns', 'add', namespace]);
    await runCommand(ip, [
      'link',
      'add',
      hostInterface,
      'type',
      'veth',
      'peer',
      'name',
      nsInterface,
      'netns',
      namespace,
    ]);
    await runCommand(ip, ['addr', 'add', `${hostAddress}/24`, 'dev', hostInterface]);
    await runCommand(ip, ['link', 'set', hostInterface, 'up']);
    await runCommand(ip, ['-n', namespace, 'addr', 'add', `${nsAddress}/24`, 'dev', nsInterface]);
    await runCommand(ip, ['-n', namespace, 'link', 'set', nsInterface, 'up']);
    await runCommand(ip, ['-n', namespace, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    await removeNetwork(names).catch(() => undefined);
    unhook();
    throw error;
  }

  const filter: FilterState = { cut: false, lossPercent: 0 };
  let filterHooked = false;
  let shaped = false;
  let destroyed = false;
  const inNamespace = (command: string, args: string[]) => ['netns', 'exec', namespace, command, ...args];
  const alive = (what: string) => {
    if (destroyed) throw new NetworkOptionsError(`${what}: edge network ${namespace} was destroyed`, { namespace });
  };
  const applyFilter = async () => {
    const restore = networkTool('iptables-restore');
    await runCommand(ip, inNamespace(restore, ['--noflush', '-w', '5']), {
      input: filterRules(nsInterface, filter, !filterHooked),
    });
    filterHooked = true;
  };

  const network: EdgeNetwork = {
    name: namespace,
    hostAddress,
    nsAddress,
    hostInterface,
    nsInterface,
    async exec(command, args = [], execOptions = {}) {
      alive('exec');
      return runCommand(ip, inNamespace(command, args), { timeoutMs: execOptions.timeoutMs ?? 30_000 });
    },
    spawn(command, args = [], spawnOptions = {}) {
      alive('spawn');
      return spawnChild(ip, inNamespace(command, args), spawnOptions);
    },
    wrapCommand(command, args = []) {
      return [ip, inNamespace(command, args)];
    },
    async shape(shapeOptions) {
      alive('shape');
      const tbf = tbfArgs(shapeOptions);
      await runCommand(tc, ['qdisc', 'replace', 'dev', hostInterface, ...tbf]);
      await runCommand(tc, ['-n', namespace, 'qdisc', 'replace', 'dev', nsInterface, ...tbf]);
      shaped = true;
    },
    async unshape() {
      alive('unshape');
      if (!shaped) return;
      await runCommand(tc, ['qdisc', 'del', 'dev', hostInterface, 'root']);
      await runCommand(tc, ['-n', namespace, 'qdisc', 'del', 'dev', nsInterface, 'root']);
      shaped = false;
    },
    async loss(percent) {
      alive('loss');
      if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
        throw new NetworkOptionsError(`loss: percent ${percent} is invalid: use a number 0..100`, { percent });
      }
      filter.lossPercent = percent;
      await applyFilter();
    },
    // iptables DROP rather than link down: a downed link deletes its routes, so
    // sends fail at once with EHOSTUNREACH/ENETUNREACH; silently dropped
    // packets are what a broken uplink looks like, and TCP just retransmits.
    async cut() {
      alive('cut');
      filter.cut = true;
      await applyFilter();
    },
    async restore() {
      alive('restore');
      filter.cut = false;
      await applyFilter();
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      live.delete(network);
      await removeNetwork(names);
      unhook();
    },
  };
  live.add(network);
  return network;
}

/** Destroys every edge network this process created; for afterAll. */
export async function destroyAllNetworks(): Promise<void> {
  const results = await Promise.allSettled([...live].map((n) => n.destroy()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    throw new NetworkCommandError(
      `could not destroy every edge network: ${String(failed.reason)}`,
      {},
      { cause: failed.reason },
    );
  }
}
