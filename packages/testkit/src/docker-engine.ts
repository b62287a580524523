import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { DockerTestSetupError } from './docker';
import { waitFor } from './proc/wait-for';

const run = promisify(execFile);

/** Where a dockerd restarted by restartDockerEngine() writes its log. */
export const DOCKERD_LOG = '/tmp/kedge-dockerd.log';

/**
 * Restarts the Docker engine as a host reboot does to containers: every
 * running one stops (no live-restore), and stays stopped until someone
 * starts it again. Uses systemd's docker unit when it is active, else
 * stops the running dockerd and starts it again with its own command line.
 * Resolves once the engine answers; needs root.
 */
export async function restartDockerEngine(timeoutMs = 60_000): Promise<void> {
  if (await systemdRunsDocker()) {
    await run('systemctl', ['restart', 'docker'], { timeout: timeoutMs });
  } else {
    const pid = dockerdPid();
    if (pid === undefined) throw new DockerTestSetupError('restartDockerEngine: no dockerd process is running', {});
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !existsSync(`/proc/${pid}`), { description: `dockerd (pid ${pid}) to stop`, timeoutMs });
    const log = openSync(DOCKERD_LOG, 'a');
    spawn(argv[0] ?? 'dockerd', argv.slice(1), { detached: true, stdio: ['ignore', log, log] }).unref();
  }
  await waitFor(
    () =>
      run('docker', ['info'], { timeout: 5_000 }).then(
        () => true,
        () => false,
      ),
    { description: `the Docker engine to answer again (see ${DOCKERD_LOG})`, timeoutMs, intervalMs: 250 },
  );
}

async function systemdRunsDocker(): Promise<boolean> {
  return run('systemctl', ['is-active', '--quiet', 'docker'], { timeout: 5_000 }).then(
    () => true,
    () => false,
  );
}

function dockerdPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'dockerd') return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}
