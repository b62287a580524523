// The footprint run measures the shipped bundles: it builds them with
// tools/bundle.mjs (what `npm run build` runs) and starts dist/<app>/main.js.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@kedge/testkit';

const run = promisify(execFile);

/** Builds apps/<app> with the release bundler; resolves to dist/<app>/main.js. */
export async function bundleApp(app: 'edgecore' | 'cloudcore'): Promise<string> {
  const appDir = join(repoRoot(), 'apps', app);
  await run(process.execPath, [join(repoRoot(), 'tools', 'bundle.mjs'), app], { cwd: appDir });
  return join(repoRoot(), 'dist', app, 'main.js');
}
