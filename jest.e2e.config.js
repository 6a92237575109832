// `npm run test:e2e`: every end-to-end test, against the built dist/, those that wait out a real limit included. They
// wait rather than compute, so many run side by side: a few minutes on a 2-core machine.
import { shared } from './jest.config.js'

export default {
  ...shared,
  testMatch: ['**/e2e/**/*.e2e.test.ts'],
  maxWorkers: 8,
  // A test that waits out a production limit (the 2-minute submission budget) needs more than the default.
  testTimeout: 180000
}
