import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface FileEntry {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

const DATA_LINK = '..data';

/**
 * Replaces the files of a directory in one step, so a process reading it
 * never sees a mix of old and new content. The payload lives in a hidden
 * `..<hash>` directory; `..data` points at the current one and each visible
 * name is a relative symlink through `..data`. Switching is one rename of the
 * `..data` link, which a bind mount of `dir` shows to the container at once.
 * Returns false when the directory already holds exactly this payload.
 */
export async function writeAtomicDir(dir: string, files: Map<string, FileEntry>): Promise<boolean> {
  const hash = createHash('sha256');
  for (const [path, file] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${path}\0${file.mode}\0`).update(file.data).update('\0');
  }
  const payloadName = `..${hash.digest('hex').slice(0, 16)}`;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const previous = await readlink(join(dir, DATA_LINK)).catch(() => undefined);
  if (previous === payloadName) return false;

  const staging = join(dir, `${payloadName}.tmp`);
  await rm(staging, { recursive: true, force: true });
  for (const [path, file] of files) {
    const target = join(staging, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, file.data);
    await chmod(target, file.mode);
  }
  await mkdir(staging, { recursive: true, mode: 0o755 });
  await rm(join(dir, payloadName), { recursive: true, force: true });
  await rename(staging, join(dir, payloadName));

  const tmpLink = join(dir, `${DATA_LINK}_tmp`);
  await rm(tmpLink, { force: true });
  await symlink(payloadName, tmpLink);
  await rename(tmpLink, join(dir, DATA_LINK));

  const visible = new Set([...files.keys()].map((path) => path.split('/')[0] as string));
  for (const name of visible) {
    const link = join(dir, name);
    if ((await readlink(link).catch(() => undefined)) !== join(DATA_LINK, name)) {
      await rm(link, { recursive: true, force: true });
      await symlink(join(DATA_LINK, name), link);
    }
  }
  for (const entry of await readdir(dir)) {
    const stale = entry.startsWith('..') ? entry !== DATA_LINK && entry !== payloadName : !visible.has(entry);
    if (stale) await rm(join(dir, entry), { recursive: true, force: true });
  }
  return true;
}
