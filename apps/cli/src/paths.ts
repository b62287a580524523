// Locates files that ship beside the CLI: the repository's deploy/ folder and
// the cloudcore/edgecore entry points (TypeScript sources under tsx, or the
// bundles of dist/<app>/main.js next to dist/kedge/).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function* ancestors(start: string): Generator<string> {
  let dir = resolve(start);
  for (;;) {
    yield dir;
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** The first existing `relative` path above this module or the working directory. */
export function findShipped(relative: string): string | undefined {
  for (const start of [here, process.cwd()]) {
    for (const dir of ancestors(start)) {
      const candidate = join(dir, relative);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface AppCommand {
  command: string;
  args: string[];
}

/**
 * How to start a Kedge app as a child process: the bundle beside this one
 * (dist/<app>/main.js) when running bundled, else its TypeScript entry with
 * tsx's loader in the same node process (so signals reach it directly).
 */
export function appCommand(app: 'cloudcore' | 'edgecore'): AppCommand | undefined {
  const bundled = join(here, '..', app, 'main.js');
  if (existsSync(bundled) && existsSync(join(here, 'main.js'))) return { command: process.execPath, args: [bundled] };
  const source = findShipped(join('apps', app, 'src', 'main.ts'));
  if (!source) return undefined;
  const root = resolve(dirname(source), '..', '..', '..');
  const tsxLoader = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  if (!existsSync(tsxLoader)) return undefined;
  return { command: process.execPath, args: ['--import', pathToFileURL(tsxLoader).href, source] };
}
