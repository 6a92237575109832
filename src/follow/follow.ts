import { setTimeout as sleep } from 'node:timers/promises'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { formatDuration } from '../duration.js'
import type { SubmittedJob } from '../job/submitted-job.js'
import type { Settings } from '../settings.js'
import { armJobUrl, cancelJob, readJobStatus } from './arm-job.js'
import { pollJob, StatusUnreadableError, type PollClock } from './poll-job.js'
import * as state from './state.js'

export interface FollowLog {
  info(message: string): void
  warning(message: string): void
}

export type FollowResult =
  | { outcome: 'finished'; status: string; studioUrl: string | undefined; durationMs: number }
  | { outcome: 'timed-out' | 'interrupted'; status: string; studioUrl: string | undefined; cancel: CancelResult }
  | { outcome: 'unreadable' | 'vanished'; status: string; studioUrl: string | undefined; error: string }

export type CancelResult = { requested: true } | { requested: false; error?: string }

const realClock: PollClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined)
}

/**
 * Waits on a submitted job through ARM until it ends, the timeout passes, or the workflow run is cancelled
 * (`interrupted` aborts), cancelling the Azure job where the settings say so.
 */
export async function followJob(
  job: SubmittedJob,
  submittedAt: number,
  settings: Settings,
  arm: SendAzureRequest,
  interrupted: AbortSignal,
  log: FollowLog,
  clock: PollClock = realClock
): Promise<FollowResult> {
  const jobUrl = armJobUrl(settings.resourceManager, job.id, job.name)
  if (settings.follow.cancelOnWorkflowCancel) state.saveFollowedJob(job.name, jobUrl)
  log.info(
    `Waiting for ${job.name} to finish (at most ${formatDuration(settings.follow.waitTimeoutMs)} from its submission)`
  )

  let outcome
  try {
    outcome = await pollJob({
      readStatus: signal => readJobStatus(arm, jobUrl, signal),
      initialStatus: job.status,
      deadline: submittedAt + settings.follow.waitTimeoutMs,
      pollIntervalMs: settings.follow.pollIntervalMs,
      clock,
      signal: interrupted,
      log: message => log.info(message)
    })
  } catch (error) {
    if (!(error instanceof StatusUnreadableError)) throw error
    state.saveFollowEnded()
    return { outcome: 'unreadable', status: job.status, studioUrl: job.studioUrl, error: error.message }
  }

  if (outcome.kind === 'vanished') {
    // Nothing is left to cancel, here or in the post step.
    state.saveFollowEnded()
    return { outcome: 'vanished', status: outcome.status, studioUrl: job.studioUrl, error: outcome.error }
  }
  if (outcome.kind === 'finished') {
    state.saveFollowEnded()
    return {
      outcome: 'finished',
      status: outcome.status,
      studioUrl: outcome.studioUrl ?? job.studioUrl,
      durationMs: outcome.at - submittedAt
    }
  }
  const shouldCancel =
    outcome.kind === 'timed-out' ? settings.follow.cancelOnTimeout : settings.follow.cancelOnWorkflowCancel
  const cancel = shouldCancel ? await requestCancel(arm, jobUrl, job.name, log) : { requested: false as const }
  if (outcome.kind === 'timed-out') state.saveFollowEnded()
  return { outcome: outcome.kind, status: outcome.status, studioUrl: job.studioUrl, cancel }
}

/** One cancel request per job: the post step sees 'sent' and leaves the job alone. */
async function requestCancel(arm: SendAzureRequest, jobUrl: string, jobName: string, log: FollowLog) {
  state.saveCancelStage('sending')
  try {
    await cancelJob(arm, jobUrl)
    state.saveCancelStage('sent')
    log.info(`Asked Azure to cancel ${jobName}.`)
    return { requested: true as const }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    log.warning(`Could not cancel ${jobName}: ${message}`)
    return { requested: false as const, error: message }
  }
}
