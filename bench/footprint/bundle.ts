// The footprint run measures the shipped bundles, built by the release
// bundler (tools/bundle.mjs) into bench/footprint/dist/<app>/ (git-ignored).
import { join } from 'node:path';
import { repoRoot } from '@kedge/testkit';
import { bundleEntry } from '../../tools/bundle.mjs';

/** Bundles apps/<app>/src/main.ts; resolves to the bundle's main.js. */
export async function bundleApp(app: 'edgecore' | 'cloudcore'): Promise<string> {
  const { outfile } = await bundleEntry({
    entry: join(repoRoot(), 'apps', app, 'src', 'main.ts'),
    outDir: join(repoRoot(), 'bench', 'footprint', 'dist', app),
    sourcemap: false,
  });
  return outfile;
}
