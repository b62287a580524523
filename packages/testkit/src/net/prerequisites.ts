import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NetworkPrerequisiteError } from '../errors';

const tools = {
  ip: 'iproute2',
  tc: 'iproute2',
  iptables: 'iptables',
  'iptables-restore': 'iptables',
} as const;

export type NetworkTool = keyof typeof tools;

/** Absolute path of `name` on PATH or in the sbin folders (often missing from a non-login PATH). */
function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const found = new Map<NetworkTool, string>();

/** Absolute path of a network tool, or a NetworkPrerequisiteError saying which package to install. */
export function networkTool(name: NetworkTool): string {
  const cached = found.get(name);
  if (cached) return cached;
  const path = findExecutable(name);
  if (!path) {
    throw new NetworkPrerequisiteError(
      `\`${name}\` is not installed: apt-get install ${tools[name]} (tools/ci-setup.sh installs it on CI)`,
      { tool: name, package: tools[name] },
    );
  }
  found.set(name, path);
  return path;
}

/**
 * Why edge networks cannot be created here, or undefined when they can.
 * Suites use it to skip with a clear reason: `describe.skipIf(reason)`.
 */
export function edgeNetworkUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) {
    return 'creating network namespaces needs root (CAP_NET_ADMIN): run the suite as root, as CI does';
  }
  try {
    networkTool('ip');
    networkTool('tc');
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** Throws a NetworkPrerequisiteError unless edge networks can be created. */
export function requireEdgeNetworkSupport(): void {
  const reason = edgeNetworkUnavailableReason();
  if (reason) throw new NetworkPrerequisiteError(`cannot create an edge network: ${reason}`, { reason });
}
