import { configDefaults, defineConfig } from 'vitest/config';

// Test files that need the real services (Pub/Sub and Firestore emulators, redis-server). Only
// their project starts them (test/setup/services.ts), so `vitest run test/chunking` starts
// nothing. A new test that talks to an emulator or redis belongs here.
const servicesTests = [
  'test/batch/push-envelope.test.ts',
  'test/batch/store.test.ts',
  'test/build/bundles.test.ts',
  'test/cache/firestore.test.ts',
  'test/cache/redis.test.ts',
  'test/functions/embedBatch*.test.ts',
  'test/limits/leased.test.ts',
  'test/limits/limiter.test.ts',
  'test/functions/jobStatus.test.ts',
  // embedBatch's example in the OpenAPI document publishes its result to the emulator.
  'test/openapi/document.test.ts',
  'test/scripts/batch-cli.test.ts',
  'test/scripts/batch-cli-status.test.ts',
  'test/scripts/batch-local.test.ts',
];

export default defineConfig({
  test: {
    // onnxruntime-node is a native addon: run test files in child processes, not worker threads.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // For Google's client libraries: no metadata-server probe. The gateway's own settings come
    // from each test's settings object, never from here.
    env: { METADATA_SERVER_DETECTION: 'none' },
    setupFiles: ['test/setup/log-level.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...servicesTests] } },
      { extends: true, test: { name: 'services', include: servicesTests, globalSetup: ['test/setup/services.ts'] } },
    ],
  },
});
