import { writeFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessExitedError, ProcessStartError, WaitTimeoutError } from '../errors';
import { runningProcesses, startProcess, stopAll } from './process';
import { repoRoot, tsxEntry } from './repo-root';
import { waitFor } from './wait-for';

const node = process.execPath;
// A killed orphan may linger as a zombie until init reaps it; that counts as dead.
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};
const dir = mkdtempSync(join(tmpdir(), 'kedge-testkit-proc-'));

afterAll(async () => {
  await stopAll(1_000);
  rmSync(dir, { recursive: true, force: true });
});

describe('startProcess', () => {
  it('waits for the ready line, records output and the log file', async () => {
    const logFile = join(dir, 'logs', 'ready.log');
    const p = await startProcess({
      name: 'ready-line',
      command: node,
      args: [
        '-e',
        "console.log('booting'); setTimeout(() => { console.error('listening on 1234'); setInterval(() => {}, 1000); }, 100)",
      ],
      logFile,
      readyWhen: /listening on (\d+)/,
      readyTimeoutMs: 15_000,
    });
    expect(p.output()).toContain('booting');
    expect(await p.waitForLine(/listening/, 1_000)).toBe('listening on 1234');
    await expect(p.waitForLine(/listening/, 100, { fromNow: true })).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(await p.kill()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readFileSync(logFile, 'utf8')).toContain('listening on 1234');
  });

  it('accepts a probe as readiness and passes env', async () => {
    const marker = join(dir, 'marker');
    const p = await startProcess({
      name: 'probe',
      command: node,
      args: ['-e', "require('fs').writeFileSync(process.env.MARKER, 'x'); setInterval(() => {}, 1000)"],
      env: { MARKER: marker },
      readyWhen: async () => {
        try {
          return readFileSync(marker, 'utf8') === 'x';
        } catch {
          return false;
        }
      },
      readyIntervalMs: 20,
      readyTimeoutMs: 15_000,
    });
    expect(alive(p.pid)).toBe(true);
    await p.kill9();
    expect(alive(p.pid)).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const p = await startProcess({
      name: 'stubborn',
      command: node,
      args: [
        '-e',
        "process.on('SIGTERM', () => console.log('ignoring TERM')); console.log('up'); setInterval(() => {}, 1000)",
      ],
      readyWhen: /^up$/,
      readyTimeoutMs: 15_000,
    });
    const started = performance.now();
    expect(await p.kill('SIGTERM', 300)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(p.output()).toContain('ignoring TERM');
  });

  it('kills the grandchildren left in its process group', async () => {
    const p = await startProcess({
      name: 'parent',
      command: 'sh',
      args: ['-c', 'sleep 60 & echo "child $!"; wait'],
      readyWhen: /^child \d+$/,
      readyTimeoutMs: 15_000,
    });
    const grandchild = Number((await p.waitForLine(/^child/)).split(' ')[1]);
    expect(alive(grandchild)).toBe(true);
    await p.kill();
    await waitFor(() => !alive(grandchild), {
      description: 'the orphaned sleep to die',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
  });

  it('stopAll stops every running process', async () => {
    const script = "console.log('up'); setInterval(() => {}, 1000)";
    const started = await Promise.all(
      [1, 2].map((n) =>
        startProcess({
          name: `many-${n}`,
          command: node,
          args: ['-e', script],
          readyWhen: /up/,
          readyTimeoutMs: 15_000,
        }),
      ),
    );
    expect(runningProcesses()).toEqual(expect.arrayContaining(started));
    await stopAll(1_000);
    expect(runningProcesses()).toEqual([]);
    for (const p of started) expect(alive(p.pid)).toBe(false);
  });

  it('reports a process that exits before it is ready, with its output', async () => {
    const error = await startProcess({
      name: 'crasher',
      command: node,
      args: ['-e', "console.error('config: field cloud.url is missing'); process.exit(3)"],
      readyWhen: /ready/,
      readyTimeoutMs: 15_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessStartError);
    expect((error as Error).cause).toBeInstanceOf(ProcessExitedError);
    expect((error as Error).message).toMatch(/crasher exited \(code 3, signal null\)[\s\S]*cloud\.url is missing/);
  });

  it('reports a readiness timeout and kills the process', async () => {
    const error = await startProcess({
      name: 'silent',
      command: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      readyWhen: /never/,
      readyTimeoutMs: 200,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessStartError);
    expect((error as Error).message).toMatch(/silent did not become ready: timed out after 200 ms/);
    expect(runningProcesses().filter((p) => p.name === 'silent')).toEqual([]);
  });

  it('names a missing command', async () => {
    await expect(startProcess({ name: 'ghost', command: 'kedge-no-such-binary' })).rejects.toThrow(
      /ghost: cannot start kedge-no-such-binary \(not installed or not on PATH\?\)/,
    );
    await expect(startProcess({ name: 'empty', command: '' })).rejects.toThrow(/`command` is empty/);
    writeFileSync(join(dir, 'plain-file'), '');
    await expect(
      startProcess({ name: 'logless', command: node, logFile: join(dir, 'plain-file', 'x.log') }),
    ).rejects.toThrow(/logless: cannot open logFile .*plain-file\/x\.log/);
  });
});

describe('tsxEntry', () => {
  it('runs a TypeScript file from the repo root with tsx', async () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, 'const n: number = 41;\nconsole.log(`answer ${n + 1}`);\n');
    const [command, args] = tsxEntry(entry);
    const p = await startProcess({
      name: 'tsx',
      command,
      args,
      cwd: dir,
      readyWhen: /answer 42/,
      readyTimeoutMs: 20_000,
    });
    expect((await p.exited).code).toBe(0);
  });

  it('refuses a missing entry and resolves relative paths from the repo root', () => {
    expect(() => tsxEntry('apps/nowhere/main.ts')).toThrow(
      new RegExp(`${join(repoRoot(), 'apps/nowhere/main.ts')} does not exist`),
    );
  });
});
