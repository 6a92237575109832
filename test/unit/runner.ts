import type { RunnerEnvironment } from '../../src/settings.js'

/** A runner without id-token permission whose warnings a test can read. */
export function testRunner(oidcAvailable = false): RunnerEnvironment & { warnings: string[] } {
  const warnings: string[] = []
  return { oidcAvailable, warn: message => warnings.push(message), warnings }
}
