import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'edgecore', include: ['src/**/*.test.ts'], environment: 'node' },
});
