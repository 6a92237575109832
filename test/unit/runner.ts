import type { RunnerEnvironment } from '../../src/settings.js'

/** A runner without id-token permission whose warnings and notices a test can read. */
export function testRunner(oidcAvailable = false): RunnerEnvironment & { warnings: string[]; notices: string[] } {
  const warnings: string[] = []
  const notices: string[] = []
  return {
    oidcAvailable,
    warn: message => warnings.push(message),
    notice: message => notices.push(message),
    warnings,
    notices
  }
}
