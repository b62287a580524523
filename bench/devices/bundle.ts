// edgecore and the benchmark mapper run as bundles, so their CPU and RSS are
// measured as shipped, without tsx's compiler in the process. Built with the
// release bundler into bench/devices/dist/<name>/ (git-ignored).
import { join } from 'node:path';
import { repoRoot } from '@kedge/testkit';
import { bundleEntry } from '../../tools/bundle.mjs';

/** Bundles `entry` (relative to the repo root); resolves to the bundle's main.js. */
export async function bundle(entry: string, name: string): Promise<string> {
  const { outfile } = await bundleEntry({
    entry: join(repoRoot(), entry),
    outDir: join(repoRoot(), 'bench', 'devices', 'dist', name),
    sourcemap: false,
  });
  return outfile;
}
