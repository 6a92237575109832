import type { StatusRead } from '../../src/follow/arm-job.js'
import { pollJob, type PollClock } from '../../src/follow/poll-job.js'

/**
 * An hour-long job followed by the action's own polling loop (src/follow/poll-job.ts) on a simulated clock: how many status
 * reads it makes and how late it notices the end. The clock is simulated; the loop is the one the action runs.
 */
export async function simulateWait(
  jobSeconds: number,
  pollIntervalMs: number
): Promise<{ reads: number; noticedAfterMs: number }> {
  let now = 0
  const clock: PollClock = {
    now: () => now,
    sleep: async ms => {
      now += ms
    }
  }
  let reads = 0
  const readStatus = async (): Promise<StatusRead> => {
    reads++
    return { status: now >= jobSeconds * 1000 ? 'Completed' : 'Running', studioUrl: undefined }
  }
  const outcome = await pollJob({
    readStatus,
    initialStatus: 'Preparing',
    deadline: 6 * 3_600_000,
    pollIntervalMs,
    clock,
    signal: new AbortController().signal,
    log: () => {}
  })
  if (outcome.kind !== 'finished') throw new Error(`the simulated wait ended ${outcome.kind}`)
  return { reads, noticedAfterMs: outcome.at - jobSeconds * 1000 }
}
