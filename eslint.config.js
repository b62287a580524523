import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Module boundaries (DESIGN.md "Arrows run one way"): apps import packages,
// never each other; cloudcore and edgecore share only @kedge/protocol;
// protocol imports nothing of ours.
const appNames = ['@kedge/cloudcore', '@kedge/edgecore', '@kedge/device-mapper', '@kedge/cli'];
const restrict = (files, banned) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: banned.map((group) => ({ group: [group, `${group}/*`], message: 'crosses a module boundary (see docs/architecture.md)' })) },
    ],
  },
});

// Tests and test-support folders may use the test-only packages (kube-lite as
// a real API server, testkit), but still never another app.
const testFiles = ['**/*.test.ts', '**/testing/**'];
const testOnly = ['@kedge/kube-lite', '@kedge/testkit'];
const otherApps = (self) => appNames.filter((n) => n !== self);
const appRules = (dir, self, alsoBanned) => [
  { ...restrict([`apps/${dir}/**`], [...otherApps(self), ...alsoBanned, ...testOnly]), ignores: testFiles },
  restrict(testFiles.map((f) => `apps/${dir}/${f}`), [...otherApps(self), ...alsoBanned]),
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/generated/**', '.kedge/**', '**/.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  restrict(['packages/**'], appNames),
  restrict(['packages/protocol/**'], ['@kedge/*']),
  ...appRules('cloudcore', '@kedge/cloudcore', ['@kedge/mapper-sdk']),
  ...appRules('edgecore', '@kedge/edgecore', ['@kedge/mapper-sdk']),
  ...appRules('device-mapper', '@kedge/device-mapper', []),
  restrict(['apps/cli/**'], otherApps('@kedge/cli')),
);
