// Child processes of `kedge up` (cloudcore, edgecores): output appended to
// a log file, exit observed, stop = SIGTERM then SIGKILL after a grace time.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface Child {
  name: string;
  logFile: string;
  process: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10000). Resolves once it has exited. */
  stop(graceMs?: number): Promise<number | string>;
}

export function spawnLogged(
  name: string,
  command: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Child {
  const fd = openSync(logFile, 'a');
  // Own process group: a Ctrl-C on the terminal reaches `kedge up` only, which
  // then stops the children in order (edges first, then the cloud).
  const child = spawn(command, args, { stdio: ['ignore', fd, fd], env, detached: true });
  closeSync(fd);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('spawn-error'));
  });
  return {
    name,
    logFile,
    process: child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Polls `check` every `intervalMs` until it returns a value, `timeoutMs` passes, or `abort` settles first. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: Promise<unknown> },
): Promise<T | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  let aborted = false;
  void opts.abort?.then(() => (aborted = true));
  while (!aborted && Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
  return undefined;
}
