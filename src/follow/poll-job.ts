import { logSafe } from '../untrusted-text.js'
import type { StatusRead } from './arm-job.js'
import { classifyStatus, isKnownStatus } from './job-status.js'

export interface PollClock {
  now(): number
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export interface PollOptions {
  readStatus(signal: AbortSignal): Promise<StatusRead>
  initialStatus: string
  /** When waiting must end (epoch ms): the submission time plus wait-timeout. */
  deadline: number
  pollIntervalMs: number
  clock: PollClock
  /** Aborted when the workflow run is cancelled. */
  signal: AbortSignal
  /** After a 401: the next read goes out with a freshly acquired token. */
  renewToken?(): void
  /**
   * Runs after each status read that answered a status (`ended`: a final one): after the status is logged, or before
   * when it is final, so that what it logs comes before the final status. Its time is taken from the next pause.
   */
  watch?(status: string, ended: boolean, signal: AbortSignal): Promise<void>
  log(message: string): void
}

export type PollOutcome =
  | { kind: 'finished'; status: string; studioUrl: string | undefined; at: number }
  | { kind: 'timed-out'; status: string }
  | { kind: 'interrupted'; status: string }
  | { kind: 'vanished'; status: string; error: string }

/** A refusal that waiting cannot cure; `status` is the last status seen. */
export class StatusUnreadableError extends Error {
  override name = 'StatusUnreadableError'
  readonly status: string
  constructor(message: string, status: string) {
    super(message)
    this.status = status
  }
}

// The first reads come quickly (a job that fails on a bad input fails within seconds), then the pause doubles up to
// poll-interval: a long job costs about one read per interval.
const firstPollDelayMs = 2_000

export function pollDelay(pollIndex: number, pollIntervalMs: number): number {
  return Math.min(pollIntervalMs, firstPollDelayMs * 2 ** pollIndex)
}

// ARM may not know a job yet for a moment after its submission, and a lagging replica or a failover can answer 404
// for a job that is running, so 404s are waited through. Only when ARM, having shown the job, answers nothing but 404
// for this long is the job taken as gone (deleted, or its workspace was).
export const goneAfterNotFoundMs = 5 * 60_000

/**
 * Reads the job's status until it is final, the deadline passes, the workflow is cancelled or the job is gone. The
 * wait never runs past the deadline by more than one read; a status is logged once, when it changes. Answers that
 * are not a status (an empty or HTML body, a 5xx, a 404 for a while, one 401) are waited through.
 */
export async function pollJob(options: PollOptions): Promise<PollOutcome> {
  const { clock, signal, log } = options
  let status = options.initialStatus
  let studioUrl: string | undefined
  let throttledMs = 0
  let shown = false
  let notFoundSince: number | undefined
  let unauthorizedBefore = false
  const unknownLogged = new Set<string>()
  let watchedMs = 0
  const logChange = (read: string) => {
    if (read !== status) {
      status = read
      log(`Status: ${logSafe(status)}`)
    }
    if (!isKnownStatus(status) && !unknownLogged.has(status)) {
      unknownLogged.add(status)
      log(`'${logSafe(status)}' is a status this action does not know; it is treated as still running.`)
    }
  }
  for (let pollIndex = 0; ; pollIndex++) {
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) return { kind: 'timed-out', status }
    const pause = Math.max(pollDelay(pollIndex, options.pollIntervalMs) - watchedMs, throttledMs)
    await clock.sleep(Math.min(pause, remaining), signal)
    watchedMs = 0
    if (signal.aborted) return { kind: 'interrupted', status }

    let read: StatusRead
    try {
      read = await options.readStatus(signal)
    } catch (error) {
      if (signal.aborted) return { kind: 'interrupted', status }
      // A read still in flight at the deadline is given up: wait-timeout is kept.
      if (clock.now() >= options.deadline) return { kind: 'timed-out', status }
      throw error
    }
    if ('error' in read) {
      const now = clock.now()
      // A token can be refused before its expiry (revoked, a clock skew): only a refusal of a fresh one is final.
      if (read.permanent || (read.unauthorized && unauthorizedBefore))
        throw new StatusUnreadableError(read.error, status)
      unauthorizedBefore = read.unauthorized === true
      if (unauthorizedBefore) options.renewToken?.()
      notFoundSince = read.notFound ? (notFoundSince ?? now) : notFoundSince
      if (shown && read.notFound && now - (notFoundSince ?? now) >= goneAfterNotFoundMs) {
        return { kind: 'vanished', status, error: read.error }
      }
      // ARM asked for a pause: the next read waits at least that long.
      throttledMs = read.retryAfterMs ?? 0
      log(`Could not read the job's status (${logSafe(read.error)}); still waiting.`)
      continue
    }
    throttledMs = 0
    shown = true
    notFoundSince = undefined
    unauthorizedBefore = false
    studioUrl = read.studioUrl ?? studioUrl
    const ended = classifyStatus(read.status) !== 'running'
    // The scoring step's lines come under the status they were read in, and before a final one.
    if (!ended) logChange(read.status)
    const watchedFrom = clock.now()
    await options.watch?.(read.status, ended, signal)
    watchedMs = clock.now() - watchedFrom
    logChange(read.status)
    if (classifyStatus(status) !== 'running') return { kind: 'finished', status, studioUrl, at: clock.now() }
  }
}
