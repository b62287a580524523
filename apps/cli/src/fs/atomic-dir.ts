// Writes a directory's files all at once: everything goes into a sibling temp
// directory first, then one rename puts it in place. A crash or error before
// the rename leaves the target untouched, so no half-written join exists.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError, ExitCode } from '../errors';

export interface DirFile {
  /** File name inside the directory (no slashes). */
  name: string;
  content: string | Uint8Array;
  /** Unix permission bits; default 0o644. */
  mode?: number;
}

export interface WriteDirOptions {
  /** Replace a non-empty target (the old content is removed after the swap). Default false. */
  replace?: boolean;
}

async function writeFileSynced(path: string, file: DirFile): Promise<void> {
  const handle = await open(path, 'wx', file.mode ?? 0o644);
  try {
    await handle.writeFile(file.content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True when `dir` does not exist or has no entries. */
export async function isEmptyOrMissing(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  return (await readdir(dir)).length === 0;
}

/**
 * Creates `target` holding exactly `files`, atomically. Throws IO_ERROR (and
 * leaves `target` as it was) if anything fails before the final rename.
 */
export async function writeDirAtomic(
  target: string,
  files: readonly DirFile[],
  options: WriteDirOptions = {},
): Promise<void> {
  const abs = resolve(target);
  const parent = dirname(abs);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(parent, `.${basename(abs)}.new-${tag}`);
  for (const f of files) {
    if (f.name.includes('/') || f.name.includes('\\') || f.name.startsWith('.')) {
      throw new CliError('IO_ERROR', ExitCode.runtime, `file name "${f.name}" may not contain a path`);
    }
  }
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(staging, { mode: 0o700 });
    for (const f of files) await writeFileSynced(join(staging, f.name), f);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw new CliError('IO_ERROR', ExitCode.runtime, `cannot write ${abs}: ${(err as Error).message}`, {
      hint: 'check that the parent directory is writable and has free space',
      cause: err,
    });
  }
  let old: string | undefined;
  try {
    if (existsSync(abs)) {
      if (await isEmptyOrMissing(abs)) {
        await rmdir(abs);
      } else if (options.replace) {
        old = join(parent, `.${basename(abs)}.old-${tag}`);
        await rename(abs, old);
      } else {
        throw new CliError('IO_ERROR', ExitCode.runtime, `${abs} is not empty`, {
          hint: 'choose another --data-dir or pass --force',
        });
      }
    }
    await rename(staging, abs);
  } catch (err) {
    if (old && !existsSync(abs)) await rename(old, abs);
    await rm(staging, { recursive: true, force: true });
    if (err instanceof CliError) throw err;
    throw new CliError('IO_ERROR', ExitCode.runtime, `cannot move ${staging} to ${abs}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (old) await rm(old, { recursive: true, force: true });
}
