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
  log(message: string): void
}

export type PollOutcome =
  | { kind: 'finished'; status: string; studioUrl: string | undefined; at: number }
  | { kind: 'timed-out'; status: string }
  | { kind: 'interrupted'; status: string }
  | { kind: 'vanished'; status: string; error: string }

export class StatusUnreadableError extends Error {
  override name = 'StatusUnreadableError'
}

// The first reads come quickly (a job that fails on a bad input fails within seconds), then the pause doubles up to
// poll-interval: a long job costs about one read per interval.
const firstPollDelayMs = 2_000

export function pollDelay(pollIndex: number, pollIntervalMs: number): number {
  return Math.min(pollIntervalMs, firstPollDelayMs * 2 ** pollIndex)
}

// ARM may not know a job yet for a moment after its submission, so a 404 is waited through. Once ARM has shown the job,
// this many 404s in a row mean it is gone (deleted, or its workspace was); one alone may be a lagging replica.
const notFoundReadsOfAGoneJob = 2

/**
 * Reads the job's status until it is final, the deadline passes, the workflow is cancelled or the job is gone. The
 * wait never runs past the deadline by more than one read; a status is logged once, when it changes.
 */
export async function pollJob(options: PollOptions): Promise<PollOutcome> {
  const { clock, signal, log } = options
  let status = options.initialStatus
  let studioUrl: string | undefined
  let throttledMs = 0
  let shown = false
  let notFoundInARow = 0
  const unknownLogged = new Set<string>()
  for (let pollIndex = 0; ; pollIndex++) {
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) return { kind: 'timed-out', status }
    await clock.sleep(Math.min(Math.max(pollDelay(pollIndex, options.pollIntervalMs), throttledMs), remaining), signal)
    if (signal.aborted) return { kind: 'interrupted', status }

    let read: StatusRead
    try {
      read = await options.readStatus(signal)
    } catch (error) {
      if (signal.aborted) return { kind: 'interrupted', status }
      throw error
    }
    if ('error' in read) {
      if (read.permanent) throw new StatusUnreadableError(read.error)
      notFoundInARow = read.notFound ? notFoundInARow + 1 : 0
      if (shown && notFoundInARow >= notFoundReadsOfAGoneJob) return { kind: 'vanished', status, error: read.error }
      // ARM asked for a pause: the next read waits at least that long.
      throttledMs = read.retryAfterMs ?? 0
      log(`Could not read the job's status (${read.error}); still waiting.`)
      continue
    }
    throttledMs = 0
    shown = true
    notFoundInARow = 0
    studioUrl = read.studioUrl ?? studioUrl
    if (read.status !== status) {
      status = read.status
      log(`Status: ${status}`)
    }
    if (!isKnownStatus(status) && !unknownLogged.has(status)) {
      unknownLogged.add(status)
      log(`'${status}' is a status this action does not know; it is treated as still running.`)
    }
    if (classifyStatus(status) !== 'running') return { kind: 'finished', status, studioUrl, at: clock.now() }
  }
}
