import { setTimeout as sleep } from 'node:timers/promises'
import type { ActionResult, RunningAction } from './run-action.js'

// How the GitHub runner cancels a step: SIGINT, then SIGTERM 7.5 s later if the step is still running, then SIGKILL
// 2.5 s after that.
const sigtermAfterMs = 7_500
const sigkillAfterMs = 2_500

export interface CancelledStep extends ActionResult {
  /** The signals the step needed before it ended. */
  signalsSent: NodeJS.Signals[]
}

export async function cancelLikeTheRunner(running: RunningAction): Promise<CancelledStep> {
  const signalsSent: NodeJS.Signals[] = []
  let ended = false
  const result = running.result.finally(() => (ended = true))
  for (const [signal, thenWaitMs] of [
    ['SIGINT', sigtermAfterMs],
    ['SIGTERM', sigkillAfterMs],
    ['SIGKILL', 0]
  ] as const) {
    if (ended) break
    running.child.kill(signal)
    signalsSent.push(signal)
    await Promise.race([result, sleep(thenWaitMs)])
  }
  return { ...(await result), signalsSent }
}

/** Resolves once `condition` holds, checking every 50 ms. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
