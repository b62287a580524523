import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors';
import { writeDirAtomic } from './atomic-dir';

const base = mkdtempSync(join(tmpdir(), 'kedge-atomic-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const files = [
  { name: 'a.txt', content: 'A' },
  { name: 'key', content: 'K', mode: 0o600 },
];

describe('writeDirAtomic', () => {
  it('creates the directory with the files and their modes, leaving no temp dir', async () => {
    const parent = mkdtempSync(join(base, 't-'));
    const target = join(parent, 'node');
    await writeDirAtomic(target, files);
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('A');
    expect(statSync(join(target, 'key')).mode & 0o777).toBe(0o600);
    expect(readdirSync(parent)).toEqual(['node']);
  });

  it('fills an existing empty directory', async () => {
    const parent = mkdtempSync(join(base, 't-'));
    mkdirSync(join(parent, 'node'));
    await writeDirAtomic(join(parent, 'node'), files);
    expect(readdirSync(join(parent, 'node')).sort()).toEqual(['a.txt', 'key']);
  });

  it('refuses a non-empty directory unless replacing, and keeps it intact', async () => {
    const parent = mkdtempSync(join(base, 't-'));
    const target = join(parent, 'node');
    mkdirSync(target);
    writeFileSync(join(target, 'old'), 'keep');
    await expect(writeDirAtomic(target, files)).rejects.toThrow(/not empty/);
    expect(readdirSync(target)).toEqual(['old']);
    expect(readdirSync(parent)).toEqual(['node']);

    await writeDirAtomic(target, files, { replace: true });
    expect(readdirSync(target).sort()).toEqual(['a.txt', 'key']);
    expect(readdirSync(parent)).toEqual(['node']);
  });

  it('leaves nothing behind when a write fails', async () => {
    const parent = mkdtempSync(join(base, 't-'));
    const target = join(parent, 'node');
    // The same name twice makes the second exclusive create fail mid-way.
    const err = await writeDirAtomic(target, [...files, { name: 'a.txt', content: 'again' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('IO_ERROR');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('rejects file names with paths', async () => {
    const parent = mkdtempSync(join(base, 't-'));
    await expect(writeDirAtomic(join(parent, 'n'), [{ name: '../x', content: '' }])).rejects.toThrow(
      /may not contain a path/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });
});
