// ESM + ts-jest, as in actions/typescript-action. `npm test` runs this: the unit tests, the fake Azure's own tests and
// the end-to-end tests that answer in seconds, about a minute in all. Limits (deadlines, stall watches, budgets) are
// proven here with injected short deadlines; `npm run test:e2e` (jest.e2e.config.js) runs every end-to-end test,
// those that wait out a real limit too. End-to-end tests spawn the built dist/, so both commands build first.

// End-to-end files quick enough for `npm test`: each a few seconds, none waiting on a production limit.
const quickEndToEnd = ['job-definition', 'local-azure', 'log-clarity', 'service-trust', 'sign-in', 'submit']

export const shared = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  // One certificate for the run, and one Azurite per worker that its storage tests share.
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  testTimeout: 60000
}

export default {
  ...shared,
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [`/__tests__/e2e/(?!(${quickEndToEnd.join('|')})\\.e2e\\.test\\.ts$)`],
  // Most tests wait on sockets and child processes, not on the processor: more workers than cores pay.
  maxWorkers: 4
}
