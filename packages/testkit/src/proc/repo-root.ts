import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProcessStartError } from '../errors';

let cachedRoot: string | undefined;

/** The monorepo root: the nearest folder above this file that holds nx.json. */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 12; depth += 1) {
    if (existsSync(join(dir, 'nx.json'))) return (cachedRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new ProcessStartError('cannot find the repository root (no nx.json above @kedge/testkit)', {
    from: fileURLToPath(import.meta.url),
  });
}

/**
 * `[command, args]` that run a TypeScript entry point with tsx, e.g.
 * `tsxEntry('apps/edgecore/src/main.ts')`. Relative paths are taken from the
 * repo root; tsx's loader is passed as an absolute URL so any `cwd` works.
 */
export function tsxEntry(path: string): [string, string[]] {
  const entry = isAbsolute(path) ? path : resolve(repoRoot(), path);
  if (!existsSync(entry)) {
    throw new ProcessStartError(`tsx entry point ${entry} does not exist: pass a path relative to the repo root`, {
      path,
      entry,
    });
  }
  const loader = pathToFileURL(createRequire(join(repoRoot(), 'package.json')).resolve('tsx')).href;
  return [process.execPath, ['--import', loader, entry]];
}
