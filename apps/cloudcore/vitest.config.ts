import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'cloudcore', include: ['src/**/*.test.ts'], environment: 'node' },
});
