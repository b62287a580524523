import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'device-mapper', include: ['src/**/*.test.ts'], environment: 'node' },
});
