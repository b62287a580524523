import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ProcessExitedError, ProcessStartError, TestkitError, WaitTimeoutError } from '../errors';
import { onProcessExit } from './exit-hooks';
import { OutputLog, statelessPattern } from './output-log';
import { repoRoot } from './repo-root';
import { waitFor } from './wait-for';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartProcessOptions {
  /** Short name used in errors, e.g. `edgecore-1`. */
  name: string;
  command: string;
  args?: string[];
  /** Variables set over the parent's environment (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Working directory. Default: the repo root. */
  cwd?: string;
  /** Also append raw stdout+stderr to this file (folders are created). */
  logFile?: string;
  /** Ready when a stdout/stderr line matches, or when the probe returns true. Default: ready once spawned. */
  readyWhen?: RegExp | (() => Promise<boolean>);
  /** How long readiness may take, in milliseconds. Default 30_000. */
  readyTimeoutMs?: number;
  /** Pause between readiness probes, in milliseconds. Default 200. */
  readyIntervalMs?: number;
  /** Output kept in memory for output()/waitForLine, in characters; oldest lines go first. Default 4_000_000. */
  maxOutputChars?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves once the process has exited and its output is read. */
  readonly exited: Promise<ExitInfo>;
  /** Sends `signal` (default SIGTERM), waits `timeoutMs` (default 5_000), then SIGKILLs the process group. */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
  /** SIGKILLs the whole process group at once, like a power cut. */
  kill9(): Promise<ExitInfo>;
  /** Resolves to the first output line matching `pattern`; `fromNow` ignores lines already printed. */
  waitForLine(pattern: RegExp, timeoutMs?: number, options?: { fromNow?: boolean }): Promise<string>;
  /** Output kept so far, stdout and stderr interleaved by line. */
  output(): string;
}

/** How long exit waits for the output pipes to close (a detached grandchild may hold them). */
const pipeCloseGraceMs = 2_000;
const killGraceMs = 10_000;

function withDefaults(options: StartProcessOptions) {
  if (!options.name) throw new ProcessStartError('startProcess: `name` is required (used in errors)', {});
  if (!options.command) {
    throw new ProcessStartError(`startProcess(${options.name}): \`command\` is empty`, { name: options.name });
  }
  const filled = {
    ...options,
    args: options.args ?? [],
    env: options.env ?? {},
    cwd: options.cwd ?? repoRoot(),
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    readyIntervalMs: options.readyIntervalMs ?? 200,
    maxOutputChars: options.maxOutputChars ?? 4_000_000,
  };
  if (!(filled.readyTimeoutMs > 0)) {
    throw new ProcessStartError(`startProcess(${options.name}): readyTimeoutMs must be > 0`, { name: options.name });
  }
  return filled;
}

const live = new Set<ManagedProcess>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Group already gone.
  }
}

/** Opened synchronously so a bad path fails startProcess instead of surfacing later as a stream error. */
function openLogFile(name: string, logFile: string): WriteStream {
  let fd: number;
  try {
    mkdirSync(dirname(logFile), { recursive: true });
    fd = openSync(logFile, 'a');
  } catch (error) {
    throw new ProcessStartError(
      `${name}: cannot open logFile ${logFile}: ${(error as Error).message}`,
      { name, logFile },
      { cause: error },
    );
  }
  // A later write failure (disk full) only loses the file copy; output() still has the lines.
  return createWriteStream('', { fd }).on('error', () => undefined);
}

function tail(text: string, lines = 20): string {
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Starts a process in its own process group, records its output and waits
 * until it is ready. Every process started here is SIGKILLed (with its group)
 * when the test process exits, and by stopAll().
 */
export async function startProcess(options: StartProcessOptions): Promise<ManagedProcess> {
  const o = withDefaults(options);
  const sink = o.logFile ? openLogFile(o.name, o.logFile) : undefined;
  const log = new OutputLog(o.maxOutputChars, sink);
  const child = spawn(o.command, o.args, {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.on('data', (chunk: Buffer) => log.push('stdout', chunk));
  child.stderr.on('data', (chunk: Buffer) => log.push('stderr', chunk));
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (error) {
    log.end();
    const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? ' (not installed or not on PATH?)' : '';
    throw new ProcessStartError(
      `${o.name}: cannot start ${o.command}${hint}: ${(error as Error).message}`,
      { name: o.name, command: o.command, cwd: o.cwd },
      { cause: error },
    );
  }
  const pid = child.pid as number;
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      // Reap whatever the process left behind in its group.
      killGroup(pid, 'SIGKILL');
      const done = () => {
        clearTimeout(timer);
        log.end();
        resolve(exitInfo as ExitInfo);
      };
      const timer = setTimeout(done, pipeCloseGraceMs);
      child.once('close', done);
    });
  });

  const exitedError = (what: string) =>
    exited.then((info) => {
      throw new ProcessExitedError(
        `${o.name} exited (code ${info.code}, signal ${info.signal}) before ${what}; last output:\n${tail(log.text())}`,
        { name: o.name, ...info },
      );
    });

  const waitForLine = async (pattern: RegExp, timeoutMs = 10_000, opts: { fromNow?: boolean } = {}) => {
    const re = statelessPattern(pattern);
    const found = log.find(re, opts.fromNow ? log.lineCount : 0);
    if (found !== undefined) return found;
    // Even after 'exit', lines may still be in the pipes: the race below sees them before `exited` resolves.
    let unsubscribe = () => {};
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<string>((resolve) => {
          unsubscribe = log.onLine((line) => re.test(line) && resolve(line));
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new WaitTimeoutError(
                  `timed out after ${timeoutMs} ms waiting for ${o.name} to print a line matching ${pattern}; last output:\n${tail(log.text())}`,
                  { name: o.name, pattern: String(pattern), timeoutMs },
                ),
              ),
            timeoutMs,
          );
        }),
        exitedError(`printing a line matching ${pattern}`),
      ]);
    } finally {
      unsubscribe();
      clearTimeout(timer);
    }
  };

  const boundedExit = (what: string) =>
    Promise.race([
      exited,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new WaitTimeoutError(`${o.name} (pid ${pid}) did not exit ${what}`, { name: o.name, pid })),
          killGraceMs,
        ).unref(),
      ),
    ]);

  const managed: ManagedProcess = {
    name: o.name,
    pid,
    exited,
    async kill(signal = 'SIGTERM', timeoutMs = 5_000) {
      if (exitInfo) return exited;
      try {
        process.kill(pid, signal);
      } catch {
        // Exited between the check and the signal.
      }
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        exited.then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (inTime) return exited;
      killGroup(pid, 'SIGKILL');
      return boundedExit(`after ${signal} and SIGKILL`);
    },
    async kill9() {
      if (exitInfo) return exited;
      killGroup(pid, 'SIGKILL');
      return boundedExit('after SIGKILL');
    },
    waitForLine,
    output: () => log.text(),
  };

  live.add(managed);
  const unhook = onProcessExit(() => killGroup(pid, 'SIGKILL'));
  void exited.then(() => {
    live.delete(managed);
    unhook();
  });

  if (o.readyWhen) {
    try {
      if (o.readyWhen instanceof RegExp) {
        await waitForLine(o.readyWhen, o.readyTimeoutMs);
      } else {
        const stopProbing = new AbortController();
        void exited.then(() => stopProbing.abort());
        await Promise.race([
          waitFor(o.readyWhen, {
            description: `${o.name} to be ready`,
            timeoutMs: o.readyTimeoutMs,
            intervalMs: o.readyIntervalMs,
            signal: stopProbing.signal,
          }),
          exitedError('it was ready'),
        ]);
      }
    } catch (error) {
      await managed.kill9().catch(() => undefined);
      const why = error instanceof TestkitError ? error.message : String(error);
      throw new ProcessStartError(
        `${o.name} did not become ready: ${why}`,
        { name: o.name, command: o.command, args: o.args },
        { cause: error },
      );
    }
  }
  return managed;
}

/** Processes started by startProcess that have not exited yet. */
export function runningProcesses(): ManagedProcess[] {
  return [...live];
}

/** Stops every process started here (SIGTERM, then SIGKILL after `timeoutMs`); for afterAll. */
export async function stopAll(timeoutMs = 5_000): Promise<void> {
  await Promise.allSettled([...live].map((p) => p.kill('SIGTERM', timeoutMs)));
}
