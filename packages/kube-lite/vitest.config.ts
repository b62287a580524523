import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'kube-lite', include: ['src/**/*.test.ts'], environment: 'node' },
});
