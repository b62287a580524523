/* global URL, console, process */
// Checks the dependency arrows of DESIGN.md on the workspace manifests:
// apps import packages, never each other; cloudcore and edgecore share only
// @kedge/protocol; protocol imports nothing of ours. ESLint checks the same
// rules on import statements; this catches a dependency declared but unused.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const manifests = ['packages', 'apps']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name, 'package.json')))
  .filter(existsSync)
  .map((file) => ({ file, pkg: JSON.parse(readFileSync(file, 'utf8')) }));

const apps = new Set(manifests.filter((m) => m.file.includes('/apps/')).map((m) => m.pkg.name));
const allowed = {
  '@kedge/protocol': [],
  '@kedge/cloudcore': ['@kedge/protocol'],
  '@kedge/edgecore': ['@kedge/protocol'],
};

const problems = [];
for (const { file, pkg } of manifests) {
  const ours = Object.keys({ ...pkg.dependencies }).filter((d) => d.startsWith('@kedge/'));
  for (const dep of ours) {
    if (apps.has(dep)) problems.push(`${pkg.name} depends on app ${dep} (${file}): apps are never imported`);
    const only = allowed[pkg.name];
    if (only && !only.includes(dep)) problems.push(`${pkg.name} may depend only on [${only.join(', ')}], not ${dep}`);
  }
}
if (problems.length > 0) {
  console.error(`module boundaries violated:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`module boundaries: ${manifests.length} projects checked, ok`);
