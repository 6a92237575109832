// Jest's globalSetup runs outside its module system, where `.js` imports of TypeScript files do not resolve: tsx
// loads the TypeScript side. globalTeardown runs in this same process and finds what to stop here.
import { tsImport } from 'tsx/esm/api'

export default async function globalSetup(config) {
  const { startTestRun } = await tsImport('./test-run.ts', import.meta.url)
  globalThis.stopTestRun = await startTestRun(config.maxWorkers)
}
