/**
 * cloudcore bundled with esbuild, as it ships (tools/bundle.mjs): a replica
 * then restarts in about a second instead of compiling TypeScript through
 * tsx, and its RSS is cloudcore's, not the loader's. Kedge's own packages
 * are bundled; npm packages stay external and load from node_modules.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '@kedge/testkit';

export async function bundleCloudcore(outDir: string): Promise<string> {
  const outfile = join(outDir, 'cloudcore.mjs');
  await build({
    entryPoints: [join(repoRoot(), 'apps/cloudcore/src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        name: 'npm-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@kedge/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return outfile;
}
