import { defineProject } from 'vitest/config';

// End-to-end suites start real processes; they run one file at a time so
// that they do not fight over the two cores and the Docker engine.
export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // After every unit project, so real processes do not compete with units.
    sequence: { groupOrder: 1 },
  },
});
