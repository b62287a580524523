import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'mapper-sdk', include: ['src/**/*.test.ts'], environment: 'node' },
});
