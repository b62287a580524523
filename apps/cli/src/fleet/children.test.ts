import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnLogged, waitFor } from './children';

const dir = mkdtempSync(join(tmpdir(), 'kedge-children-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('spawnLogged', () => {
  it('logs output to the file and stops with SIGTERM', async () => {
    const script =
      "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('hello'); setInterval(() => {}, 1000);";
    const child = spawnLogged('t', process.execPath, ['-e', script], join(dir, 'a.log'));
    await waitFor(async () => (readFileSync(child.logFile, 'utf8').includes('hello') ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(await child.stop()).toBe(0);
    expect(readFileSync(child.logFile, 'utf8')).toBe('hello\nbye\n');
  });

  it('kills a child that ignores SIGTERM after the grace time', async () => {
    const script = "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);";
    const child = spawnLogged('stubborn', process.execPath, ['-e', script], join(dir, 'b.log'));
    await waitFor(async () => (readFileSync(child.logFile, 'utf8').includes('up') ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(await child.stop(300)).toBe('SIGKILL');
  });

  it('reports the exit code of a child that ends by itself', async () => {
    const child = spawnLogged('quick', process.execPath, ['-e', 'process.exit(3)'], join(dir, 'c.log'));
    expect(await child.exited).toBe(3);
    expect(await child.stop()).toBe(3);
  });
});

describe('waitFor', () => {
  it('returns the first defined value, or undefined at the deadline or on abort', async () => {
    let n = 0;
    expect(await waitFor(async () => (++n >= 3 ? n : undefined), { timeoutMs: 5000, intervalMs: 10 })).toBe(3);
    expect(await waitFor(async () => undefined, { timeoutMs: 50, intervalMs: 10 })).toBeUndefined();
    expect(
      await waitFor(async () => undefined, { timeoutMs: 60_000, intervalMs: 10, abort: Promise.resolve() }),
    ).toBeUndefined();
  });
});
