// Benchmarks measure the apps as they ship: bundled by the release bundler
// (tools/bundle.mjs), started with plain node. A bundled cloudcore starts in
// about a second, where tsx first compiles the TypeScript for several.
import { join } from 'node:path';
import { repoRoot } from '@kedge/testkit';
import { bundleEntry } from '../../tools/bundle.mjs';

/** Bundles apps/<app>/src/main.ts into outDir (default bench/dist/<app>, git-ignored); resolves to main.js. */
export async function bundleApp(
  app: 'edgecore' | 'cloudcore',
  outDir = join(repoRoot(), 'bench', 'dist', app),
): Promise<string> {
  const { outfile } = await bundleEntry({
    entry: join(repoRoot(), 'apps', app, 'src', 'main.ts'),
    outDir,
    sourcemap: false,
  });
  return outfile;
}
