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
  restrict(['apps/cloudcore/**'], [...appNames.filter((n) => n !== '@kedge/cloudcore'), '@kedge/kube-lite', '@kedge/mapper-sdk', '@kedge/testkit']),
  restrict(['apps/edgecore/**'], [...appNames.filter((n) => n !== '@kedge/edgecore'), '@kedge/kube-lite', '@kedge/mapper-sdk', '@kedge/testkit']),
  restrict(['apps/device-mapper/**'], [...appNames.filter((n) => n !== '@kedge/device-mapper'), '@kedge/kube-lite', '@kedge/testkit']),
  restrict(['apps/cli/**'], appNames.filter((n) => n !== '@kedge/cli')),
);
