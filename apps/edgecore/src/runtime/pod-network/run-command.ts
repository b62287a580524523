import { spawn } from 'node:child_process';

export type RunCommand = (command: string, args: readonly string[], input?: string) => Promise<string>;

/** Runs a host command and resolves with its stdout; rejects with its stderr when it exits non-zero. */
export const runCommand: RunCommand = (command, args, input) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else {
        const reason = Buffer.concat(err).toString('utf8').trim() || `exit code ${String(code)}`;
        reject(new Error(`${command} ${args.join(' ')}: ${reason}`));
      }
    });
    // A command that exits without reading its input is judged by its exit code.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
