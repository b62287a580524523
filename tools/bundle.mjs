#!/usr/bin/env node
/* global process, console */
// Bundles one Kedge app into a self-contained ESM file that runs with plain
// `node main.js` on a machine without node_modules.
//
// Usage (from the app directory, as each app's `build` script does):
//   node ../../tools/bundle.mjs <appname>
//
// Output: apps/<app>/dist/main.js (minified, names kept, linked source map) and
// a copy under <repo>/dist/<name>/ where the CLI is published as `kedge`.
// Native addons are handled as follows:
// - better-sqlite3: its `require('bindings')('better_sqlite3.node')` lookup is
//   rewritten to load `better_sqlite3.node` from the bundle's own directory, and
//   the addon built for this machine is copied there (rebuild it for another
//   target first; see docs/cli.md "Building for linux arm64").
// - dockerode loads ssh2 (ssh:// engines, WebAssembly crypto) and gRPC
//   (BuildKit sessions) at require time. Kedge talks to Docker over its unix
//   socket only, so both resolve to a stub whose every use throws: this saves
//   6-8 MB of edgecore RSS and lets edgecore run under `node --lite-mode`.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distNames = { cli: 'kedge' };

const sqliteAddon = 'better_sqlite3.node';

/** Rewrites better-sqlite3's `bindings` lookup so it finds the addon beside the bundle. */
const betterSqlitePlugin = {
  name: 'kedge-better-sqlite3',
  setup(b) {
    b.onLoad({ filter: /better-sqlite3[\\/]lib[\\/]database\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const lookup = "require('bindings')('better_sqlite3.node')";
      if (!source.includes(lookup)) {
        throw new Error(`better-sqlite3 changed its addon lookup (${args.path}); update tools/bundle.mjs`);
      }
      const replaced = source.replace(lookup, `require(__kedgeNativePath(${JSON.stringify(sqliteAddon)}))`);
      return { contents: replaced, loader: 'js' };
    });
  },
};

/** Keeps native addons out of the bundle. */
const nativeExternalsPlugin = {
  name: 'kedge-native-externals',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/** Replaces dockerode's unused ssh2 and gRPC transports by a throwing stub. */
const unusedTransports = /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader)$/;
const unusedTransportsPlugin = {
  name: 'kedge-unused-transports',
  setup(b) {
    b.onResolve({ filter: unusedTransports }, (args) => ({ path: args.path, namespace: 'kedge-unused' }));
    b.onLoad({ filter: /.*/, namespace: 'kedge-unused' }, (args) => ({
      contents: [
        `function unused() { throw new Error(${JSON.stringify(`${args.path} is left out of Kedge bundles`)}); }`,
        "module.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' ? false : unused) });",
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// The banner gives the ESM bundle a CommonJS `require` (many dependencies are
// CommonJS) and a resolver for addons copied next to main.js.
const banner = [
  "import { createRequire as __kedgeCreateRequire } from 'node:module';",
  "import { fileURLToPath as __kedgeFileURLToPath } from 'node:url';",
  "import { dirname as __kedgeDirname, join as __kedgeJoin } from 'node:path';",
  'const require = __kedgeCreateRequire(import.meta.url);',
  'const __filename = __kedgeFileURLToPath(import.meta.url);',
  'const __dirname = __kedgeDirname(__filename);',
  'const __kedgeNativePath = (name) => __kedgeJoin(__dirname, name);',
].join('\n');

/**
 * Bundles one entry file into `<outDir>/main.js` with the addon it needs beside
 * it. Used by the build below and by the benchmarks, so they measure exactly
 * what ships.
 */
export async function bundleEntry({ entry, outDir, sourcemap = true }) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [entry],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: banner },
    plugins: [betterSqlitePlugin, nativeExternalsPlugin, unusedTransportsPlugin],
    metafile: true,
    sourcemap: sourcemap ? 'linked' : false,
    legalComments: 'none',
    // KEDGE_BUNDLE_NO_MINIFY=1 keeps names and lines readable in CPU profiles.
    minify: !process.env.KEDGE_BUNDLE_NO_MINIFY,
    keepNames: true,
    logLevel: 'warning',
  });
  const usesSqlite = Object.keys(result.metafile.inputs).some((p) => /better-sqlite3[\\/]lib[\\/]database\.js$/.test(p));
  if (usesSqlite) {
    const pkgDir = dirname(createRequire(entry).resolve('better-sqlite3/package.json'));
    const addon = join(pkgDir, 'build', 'Release', sqliteAddon);
    if (!existsSync(addon)) throw new Error(`${addon} is missing; run \`npm rebuild better-sqlite3\` first`);
    cpSync(addon, join(outDir, sqliteAddon));
  }
  // Node reads main.js as ESM only when the nearest package.json says so.
  writeFileSync(join(outDir, 'package.json'), '{"type":"module","private":true}\n');
  const output = Object.keys(result.metafile.outputs).find((o) => o.endsWith('main.js'));
  return { outfile: join(outDir, 'main.js'), bytes: result.metafile.outputs[output].bytes, usesSqlite };
}

async function main() {
  const app = process.argv[2];
  if (!app || !/^[a-z][a-z0-9-]*$/.test(app)) {
    console.error('usage: node tools/bundle.mjs <appname>   (e.g. cloudcore; run from apps/<appname>)');
    process.exit(2);
  }
  const appDir = join(repoRoot, 'apps', app);
  const entry = join(appDir, 'src', 'main.ts');
  if (!existsSync(entry)) {
    console.error(`bundle: ${entry} does not exist; an app needs src/main.ts to be bundled`);
    process.exit(2);
  }
  const version = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')).version ?? '0.0.0';
  const outDir = join(appDir, 'dist');
  const { bytes, usesSqlite } = await bundleEntry({ entry, outDir });

  const publishDir = join(repoRoot, 'dist', distNames[app] ?? app);
  rmSync(publishDir, { recursive: true, force: true });
  mkdirSync(publishDir, { recursive: true });
  cpSync(outDir, publishDir, { recursive: true });
  // The CLI applies manifests (`kedge init`, `kedge up`): ship them beside it.
  if (app === 'cli') {
    for (const dir of ['crds', 'cloudcore']) {
      const from = join(repoRoot, 'deploy', dir);
      if (existsSync(from)) cpSync(from, join(publishDir, 'deploy', dir), { recursive: true });
    }
  }
  const marker = `${JSON.stringify({ name: `kedge-${distNames[app] ?? app}`, version, type: 'module', private: true })}\n`;
  writeFileSync(join(publishDir, 'package.json'), marker);
  console.log(
    `bundle: ${app} -> ${publishDir}/main.js (${(bytes / 1024 / 1024).toFixed(2)} MiB${usesSqlite ? ', better_sqlite3.node' : ''})`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`bundle: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
