import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Integration suites start real servers on ports; two cores do not benefit from more workers.
    maxWorkers: 2,
    globalSetup: ['tests/setup/global.ts'],
    // Read by OpenCV's binding when it loads (see trainer/cli/bin.mjs).
    env: { OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING: '1' },
  },
});
