import { setTimeout as sleep } from 'node:timers/promises'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { formatDuration } from '../duration.js'
import type { SubmittedJob } from '../job/submitted-job.js'
import type { Settings } from '../settings.js'
import { logSafe, trustedLink } from '../untrusted-text.js'
import { untilAborted } from '../workflow-cancellation.js'
import { parseWorkspaceId } from '../workspace-id.js'
import { armJobUrl, cancelJob, readJobStatus } from './arm-job.js'
import { pollJob, StatusUnreadableError, type PollClock, type PollOutcome } from './poll-job.js'
import { ScoringWatch, type ScoringSeen } from './scoring-watch.js'
import * as state from './state.js'

export interface FollowLog {
  info(message: string): void
  warning(message: string): void
  notice(message: string): void
}

/** The Resource Manager client the wait reads the status with, and run history's, for the scoring step's logs. */
export interface FollowClients {
  /** A client whose first request carries a newly issued token: the wait answers a 401 with one. */
  newArm(): SendAzureRequest
  /** Run history takes the ARM token. */
  arm: SendAzureRequest
  /** For the logs' pre-signed URLs: no Authorization header. */
  anonymous: SendAzureRequest
}

export type FollowResult = (
  | { outcome: 'finished'; status: string; studioUrl: string | undefined; durationMs: number | undefined }
  | { outcome: 'timed-out' | 'interrupted'; status: string; studioUrl: string | undefined; cancel: CancelResult }
  | { outcome: 'unreadable'; status: string; studioUrl: string | undefined; error: string; cancel?: CancelResult }
  | { outcome: 'vanished'; status: string; studioUrl: string | undefined; error: string }
) & {
  /** What the scoring step's logs showed, whatever the outcome; undefined when none was read. */
  scoring?: ScoringSeen
}

export type CancelResult = { requested: true } | { requested: false; error?: string }

const realClock: PollClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined)
}

/**
 * Waits on a submitted job through ARM until it ends, the timeout passes, or the workflow run is cancelled
 * (`interrupted` aborts). Whenever the wait ends before the job did — a timeout, a cancelled run, a status that
 * cannot be read, an error — the Azure job is cancelled where cancel-on-timeout or cancel-on-workflow-cancel say so.
 * `clients.newArm` makes a client with its own token cache: a 401 is answered with a fresh token. With show-progress,
 * the scoring step's logs are shown as the job runs.
 */
export async function followJob(
  job: SubmittedJob,
  submittedAt: number,
  settings: Settings,
  clients: FollowClients,
  interrupted: AbortSignal,
  log: FollowLog,
  clock: PollClock = realClock
): Promise<FollowResult> {
  const scoring = settings.follow.showProgress ? scoringWatch(job, settings, clients, log, clock) : undefined
  const wait = { job, submittedAt, settings, armClient: () => clients.newArm(), interrupted, log, clock }
  const result = await waitAndSettle(wait, scoring)
  return { ...result, scoring: scoring?.seen() }
}

interface Wait {
  job: SubmittedJob
  submittedAt: number
  settings: Settings
  armClient: () => SendAzureRequest
  interrupted: AbortSignal
  log: FollowLog
  clock: PollClock
}

/** The wait itself, and the cancel where it ended before the job. */
async function waitAndSettle(
  { job, submittedAt, settings, armClient, interrupted, log, clock }: Wait,
  scoring: ScoringWatch | undefined
): Promise<FollowResult> {
  const jobUrl = armJobUrl(settings.resourceManager, job.id, job.name)
  const jobName = logSafe(job.name)
  const deadline = submittedAt + settings.follow.waitTimeoutMs
  // A read (or the token it waits for) still going at the deadline is abandoned, so wait-timeout holds.
  const untilDeadline = (signal: AbortSignal) =>
    AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, deadline - clock.now()))])
  let arm = armClient()
  // A job followed by job-id was submitted by another run: its wait counts from the start of this one.
  const from = settings.jobId ? 'now' : 'its submission'
  log.info(`Waiting for ${jobName} to finish (at most ${formatDuration(settings.follow.waitTimeoutMs)} from ${from})`)

  let outcome: PollOutcome
  try {
    outcome = await pollJob({
      readStatus: signal => {
        const bounded = untilDeadline(signal)
        return untilAborted(readJobStatus(arm, jobUrl, bounded), bounded)
      },
      watch: scoring && ((status, ended, signal) => scoring.read(status, ended, untilDeadline(signal))),
      initialStatus: job.status,
      deadline,
      pollIntervalMs: settings.follow.pollIntervalMs,
      clock,
      signal: interrupted,
      renewToken: () => (arm = armClient()),
      log: message => log.info(message)
    })
  } catch (error) {
    const cancel = await cancelAsSettingsSay(settings.follow.cancelOnTimeout, armClient(), jobUrl, jobName, log)
    if (!(error instanceof StatusUnreadableError)) throw error
    return { outcome: 'unreadable', status: error.status, studioUrl: job.studioUrl, error: error.message, cancel }
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
      // Resource Manager's link is service text too: it is kept only when it leads to the cloud's own Studio.
      studioUrl: trustedLink(outcome.studioUrl, [settings.cloud.studioHost]) ?? job.studioUrl,
      durationMs: outcome.at - submittedAt
    }
  }
  const shouldCancel =
    outcome.kind === 'timed-out' ? settings.follow.cancelOnTimeout : settings.follow.cancelOnWorkflowCancel
  // A client of its own: a token refresh the wait abandoned at its deadline would fail the cancel too.
  const cancel = await cancelAsSettingsSay(shouldCancel, armClient(), jobUrl, jobName, log)
  return { outcome: outcome.kind, status: outcome.status, studioUrl: job.studioUrl, cancel }
}

/** The scoring step's logs, read in run history beside the status reads (show-progress). */
function scoringWatch(
  job: SubmittedJob,
  settings: Settings,
  clients: FollowClients,
  log: FollowLog,
  clock: PollClock
): ScoringWatch {
  return new ScoringWatch({
    access: {
      arm: clients.arm,
      anonymous: clients.anonymous,
      resourceManager: settings.resourceManager,
      cloud: settings.cloud.name
    },
    workspace: parseWorkspaceId(job.id)?.workspace,
    jobName: job.name,
    pollIntervalMs: settings.follow.pollIntervalMs,
    now: () => clock.now(),
    log: { info: message => log.info(message), notice: message => log.notice(message) }
  })
}

/** Cancels the job, or leaves it running on purpose (then the post step leaves it too). */
async function cancelAsSettingsSay(
  shouldCancel: boolean,
  arm: SendAzureRequest,
  jobUrl: string,
  jobName: string,
  log: FollowLog
): Promise<CancelResult> {
  if (shouldCancel) return requestCancel(arm, jobUrl, jobName, log)
  state.saveFollowEnded()
  return { requested: false }
}

/** One cancel request per job: the post step sees 'sent' and leaves the job alone. */
async function requestCancel(
  arm: SendAzureRequest,
  jobUrl: string,
  jobName: string,
  log: FollowLog
): Promise<CancelResult> {
  state.saveCancelStage('sending')
  try {
    await cancelJob(arm, jobUrl)
    state.saveCancelStage('sent')
    log.info(`Asked Azure to cancel ${jobName}.`)
    return { requested: true }
  } catch (error) {
    const message = logSafe(error instanceof Error ? error.message : String(error))
    log.warning(`Could not cancel ${jobName}: ${message}`)
    return { requested: false, error: message }
  }
}
