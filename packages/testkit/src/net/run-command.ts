import { spawn, spawnSync } from 'node:child_process';
import { NetworkCommandError } from '../errors';

export interface RunResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin (iptables-restore input). */
  input?: string;
  /** Kill the command after this many milliseconds. Default 15_000. */
  timeoutMs?: number;
}

/** Runs an ip/tc/iptables command; a non-zero exit becomes a NetworkCommandError with its stderr. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const argv = [command, ...args];
  return new Promise((resolve, reject) => {
    const stdin = options.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(command, args, { stdio: [stdin, 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // A command that exits without reading stdin fails by its exit code, not by EPIPE here.
    child.stdin?.on('error', () => undefined).end(options.input);
    child.once('error', (error) =>
      reject(new NetworkCommandError(`cannot run ${argv.join(' ')}: ${error.message}`, { argv }, { cause: error })),
    );
    child.once('close', (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const why = signal ? `was killed by ${signal} (timeout ${timeoutMs} ms?)` : `exited with ${code}`;
      reject(new NetworkCommandError(`${argv.join(' ')} ${why}: ${stderr.trim()}`, { argv, code, signal, stderr }));
    });
  });
}

/** Synchronous best-effort variant for exit hooks; never throws, returns stdout ('' on failure). */
export function runCommandSync(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 5_000, killSignal: 'SIGKILL' });
  return result.status === 0 ? result.stdout : '';
}
