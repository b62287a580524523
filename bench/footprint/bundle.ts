// esbuild bundles of edgecore and cloudcore for the footprint run, written
// under bench/footprint/dist/ (git-ignored). Everything is bundled except
// native addons: better-sqlite3 (and ssh2's optional natives) stay external
// and load from the repo's node_modules, which is why the output sits inside
// the repo. Minified like the shipped bundles (tools/bundle.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { repoRoot } from '@kedge/testkit';

// CommonJS dependencies expect require, __filename and __dirname.
const banner = [
  "import { createRequire as __kedgeCreateRequire } from 'node:module';",
  "import { fileURLToPath as __kedgeFileURLToPath } from 'node:url';",
  "import { dirname as __kedgeDirname } from 'node:path';",
  'const require = __kedgeCreateRequire(import.meta.url);',
  'const __filename = __kedgeFileURLToPath(import.meta.url);',
  'const __dirname = __kedgeDirname(__filename);',
].join('\n');

// dockerode loads ssh2 (ssh:// engines, WebAssembly crypto) and gRPC
// (BuildKit sessions) at require time; edgecore uses neither. The trimmed
// variant resolves them to a module whose every export throws when used.
const unusedByEdgecore = /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader)$/;
const trimDockerode: Plugin = {
  name: 'trim-dockerode',
  setup(b) {
    b.onResolve({ filter: unusedByEdgecore }, (args) => ({ path: args.path, namespace: 'unused' }));
    b.onLoad({ filter: /.*/, namespace: 'unused' }, (args) => ({
      contents: [
        `function unused() { throw new Error(${JSON.stringify(`${args.path} is left out of this edgecore bundle`)}); }`,
        "module.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' ? false : unused) });",
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * Bundles apps/<app>/src/main.ts into dist/<name>/main.js; resolves to its path.
 * `trimmed` leaves dockerode's unused ssh2 and gRPC out (edgecore only).
 */
export async function bundleApp(app: 'edgecore' | 'cloudcore', trimmed = false): Promise<string> {
  const outDir = join(repoRoot(), 'bench', 'footprint', 'dist', trimmed ? `${app}-trimmed` : app);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{"type":"module","private":true}\n');
  const outfile = join(outDir, 'main.js');
  await build({
    entryPoints: [join(repoRoot(), 'apps', app, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: banner },
    external: ['better-sqlite3', 'cpu-features', '*.node'],
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'error',
    plugins: trimmed ? [trimDockerode] : [],
  });
  return outfile;
}
