// Tear-down of edge networks: the async path destroy() uses, the synchronous
// path of the exit hook, and removal of networks a killed test run left behind.
import { onProcessExit } from '../proc/exit-hooks';
import { waitFor } from '../proc/wait-for';
import { networkTool } from './prerequisites';
import { runCommand, runCommandSync } from './run-command';

export interface NetworkNames {
  /** Network namespace name. */
  namespace: string;
  /** Host end of the veth pair; deleting it deletes both ends. */
  hostInterface: string;
}

const namePattern = /^kedge-[a-z0-9-]+-([0-9a-z]+)-([0-9a-z]+)$/;
let counter = 0;

/** Names unique per test process: the pid (base 36) and a counter are in every name. */
export function networkNames(name: string): NetworkNames & { nsInterface: string } {
  const pid = process.pid.toString(36);
  const n = (counter++).toString(36);
  return { namespace: `kedge-${name}-${pid}-${n}`, hostInterface: `kh${pid}-${n}`, nsInterface: `kn${pid}-${n}` };
}

function killPids(pidsText: string): number[] {
  const pids = pidsText.split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids;
}

/** Kills what runs in the namespace, deletes it and the veth pair; tolerates parts already gone. */
export async function removeNetwork(names: NetworkNames): Promise<void> {
  const ip = networkTool('ip');
  const pids = async () =>
    (await runCommand(ip, ['netns', 'pids', names.namespace]).catch(() => ({ stdout: '' }))).stdout;
  if (killPids(await pids()).length > 0) {
    await waitFor(async () => (await pids()).trim() === '', {
      description: `processes in namespace ${names.namespace} to exit after SIGKILL`,
      timeoutMs: 5_000,
      intervalMs: 50,
    });
  }
  await runCommand(ip, ['netns', 'del', names.namespace]).catch(() => undefined);
  await runCommand(ip, ['link', 'del', names.hostInterface]).catch(() => undefined);
}

/** Exit-hook variant: synchronous, best effort. */
export function removeNetworkSync(names: NetworkNames): void {
  const ip = networkTool('ip');
  killPids(runCommandSync(ip, ['netns', 'pids', names.namespace]));
  runCommandSync(ip, ['netns', 'del', names.namespace]);
  runCommandSync(ip, ['link', 'del', names.hostInterface]);
}

/** Registers a network for removal at process exit; returns the unregister function. */
export function removeAtExit(names: NetworkNames): () => void {
  return onProcessExit(() => removeNetworkSync(names));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes edge networks whose creating process is dead (a run killed with SIGKILL has no exit hook). */
export async function removeStaleNetworks(): Promise<string[]> {
  const ip = networkTool('ip');
  const { stdout } = await runCommand(ip, ['netns', 'list']);
  const removed: string[] = [];
  for (const namespace of stdout.split('\n').map((line) => line.split(' ')[0] ?? '')) {
    const match = namePattern.exec(namespace);
    if (!match) continue;
    const pid = parseInt(match[1] as string, 36);
    if (pid === process.pid || isAlive(pid)) continue;
    await removeNetwork({ namespace, hostInterface: `kh${match[1]}-${match[2]}` });
    removed.push(namespace);
  }
  return removed;
}
