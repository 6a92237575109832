import type { StatusRead } from '../../src/follow/arm-job.js'
import {
  goneAfterNotFoundMs,
  pollDelay,
  pollJob,
  StatusUnreadableError,
  type PollClock,
  type PollOptions
} from '../../src/follow/poll-job.js'

/** A clock that only moves when the code under test sleeps: no real waiting. */
class ManualClock implements PollClock {
  time = 0
  sleeps: number[] = []
  now(): number {
    return this.time
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.time += ms
  }
}

function reads(...sequence: (string | StatusRead)[]) {
  let i = 0
  return async (): Promise<StatusRead> => {
    const next = sequence[Math.min(i++, sequence.length - 1)]!
    return typeof next === 'string' ? { status: next, studioUrl: 'https://ml.azure.com/runs/x' } : next
  }
}

function options(clock: ManualClock, overrides: Partial<PollOptions>): PollOptions & { lines: string[] } {
  const lines: string[] = []
  return {
    readStatus: reads('Completed'),
    initialStatus: 'Preparing',
    deadline: 3_600_000,
    pollIntervalMs: 30_000,
    clock,
    signal: new AbortController().signal,
    log: line => lines.push(line),
    lines,
    ...overrides
  }
}

describe('pollDelay', () => {
  it('starts at 2 s and doubles up to poll-interval', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(i => pollDelay(i, 30_000))).toEqual([
      2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000
    ])
    expect([0, 1, 2].map(i => pollDelay(i, 1_000))).toEqual([1_000, 1_000, 1_000])
  })
})

describe('pollJob', () => {
  it('reads until a final status and logs each change once', async () => {
    const clock = new ManualClock()
    const opts = options(clock, { readStatus: reads('Preparing', 'Running', 'Running', 'Running', 'Completed') })
    const outcome = await pollJob(opts)
    expect(outcome).toEqual({
      kind: 'finished',
      status: 'Completed',
      studioUrl: 'https://ml.azure.com/runs/x',
      at: 60_000
    })
    expect(opts.lines).toEqual(['Status: Running', 'Status: Completed'])
    expect(clock.sleeps).toEqual([2_000, 4_000, 8_000, 16_000, 30_000])
  })

  it('makes at most about one read per poll-interval over an hour-long job', async () => {
    const clock = new ManualClock()
    let readsMade = 0
    const opts = options(clock, {
      deadline: 6 * 3_600_000,
      readStatus: async () => {
        readsMade++
        return { status: clock.now() >= 3_600_000 ? 'Completed' : 'Running', studioUrl: undefined }
      }
    })
    const outcome = await pollJob(opts)
    expect(readsMade).toBeLessThanOrEqual(130)
    // The end is noticed within one poll-interval.
    expect(outcome.kind === 'finished' && outcome.at - 3_600_000).toBeLessThanOrEqual(30_000)
  })

  it('never waits past the deadline by more than one read', async () => {
    const clock = new ManualClock()
    const opts = options(clock, { deadline: 50_000, readStatus: reads('Running') })
    expect(await pollJob(opts)).toEqual({ kind: 'timed-out', status: 'Running' })
    expect(clock.time).toBe(50_000)
    expect(clock.sleeps.at(-1)).toBe(50_000 - (2_000 + 4_000 + 8_000 + 16_000))
  })

  it('keeps waiting through failed reads, at least as long as Retry-After asks', async () => {
    const clock = new ManualClock()
    const opts = options(clock, {
      readStatus: reads(
        { error: 'HTTP 429 TooManyRequests', permanent: false, retryAfterMs: 45_000 },
        { error: 'HTTP 503', permanent: false },
        'Completed'
      )
    })
    const outcome = await pollJob(opts)
    expect(outcome.kind).toBe('finished')
    expect(clock.sleeps).toEqual([2_000, 45_000, 8_000])
    expect(opts.lines[0]).toContain('HTTP 429 TooManyRequests')
  })

  it('stops on a refusal that waiting cannot cure', async () => {
    const clock = new ManualClock()
    const opts = options(clock, { readStatus: reads({ error: 'HTTP 403 AuthorizationFailed: no', permanent: true }) })
    await expect(pollJob(opts)).rejects.toThrow(StatusUnreadableError)
  })

  it('waits through 404s before Resource Manager first shows the job', async () => {
    const clock = new ManualClock()
    const notFound = { error: 'HTTP 404 ResourceNotFound: not found', permanent: false, notFound: true }
    const opts = options(clock, { readStatus: reads(notFound, notFound, notFound, 'Completed') })
    expect(await pollJob(opts)).toMatchObject({ kind: 'finished', status: 'Completed' })
  })

  it('ends only when a job it has shown is not found for 5 minutes', async () => {
    const clock = new ManualClock()
    const notFound = { error: 'HTTP 404 ResourceNotFound: not found', permanent: false, notFound: true }
    const opts = options(clock, { pollIntervalMs: 1_000, readStatus: reads('Running', notFound) })
    expect(await pollJob(opts)).toEqual({
      kind: 'vanished',
      status: 'Running',
      error: 'HTTP 404 ResourceNotFound: not found'
    })
    // The first 404 came at 2 s; the wait ended at the first 404 read 5 minutes after it, not before.
    expect(clock.time).toBe(2_000 + goneAfterNotFoundMs)
  })

  it('a successful read between 404s starts the 5 minutes again', async () => {
    const clock = new ManualClock()
    const notFound = { error: 'HTTP 404 ResourceNotFound: not found', permanent: false, notFound: true }
    const fourMinutesOf404 = Array.from({ length: 240 }, () => notFound)
    const opts = options(clock, {
      pollIntervalMs: 1_000,
      readStatus: reads('Running', ...fourMinutesOf404, 'Running', ...fourMinutesOf404, 'Completed')
    })
    expect(await pollJob(opts)).toMatchObject({ kind: 'finished', status: 'Completed' })
  })

  it('reads again with a fresh token after a 401; only a 401 that persists is final', async () => {
    const clock = new ManualClock()
    const unauthorized = { error: 'HTTP 401 ExpiredAuthenticationToken: expired', permanent: false, unauthorized: true }
    let renewals = 0
    const renewToken = () => renewals++
    const survived = options(clock, { renewToken, readStatus: reads('Running', unauthorized, 'Completed') })
    expect(await pollJob(survived)).toMatchObject({ kind: 'finished', status: 'Completed' })
    expect(renewals).toBe(1)

    const persisted = options(clock, { renewToken, readStatus: reads('Running', unauthorized, unauthorized) })
    const error = await pollJob(persisted).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StatusUnreadableError)
    // The last status seen, not the submission's.
    expect((error as StatusUnreadableError).status).toBe('Running')
  })

  it('a read still going at the deadline is given up: the wait times out', async () => {
    const clock = new ManualClock()
    const opts = options(clock, {
      deadline: 10_000,
      readStatus: async () => {
        clock.time = 10_000
        throw new Error('This operation was aborted')
      }
    })
    expect(await pollJob(opts)).toEqual({ kind: 'timed-out', status: 'Preparing' })
  })

  it('keeps waiting after a single 404 between two reads of the job', async () => {
    const clock = new ManualClock()
    const notFound = { error: 'HTTP 404 ResourceNotFound: not found', permanent: false, notFound: true }
    const opts = options(clock, { readStatus: reads('Running', notFound, 'Running', notFound, 'Completed') })
    expect(await pollJob(opts)).toMatchObject({ kind: 'finished', status: 'Completed' })
  })

  it('treats an unknown status as running and says so once', async () => {
    const clock = new ManualClock()
    const opts = options(clock, { readStatus: reads('Hibernating', 'Hibernating', 'Hibernating', 'Failed') })
    expect(await pollJob(opts)).toMatchObject({ kind: 'finished', status: 'Failed' })
    expect(opts.lines.filter(l => l.includes('does not know'))).toHaveLength(1)
  })

  it('ends at once when the workflow is cancelled', async () => {
    const clock = new ManualClock()
    const controller = new AbortController()
    const opts = options(clock, {
      signal: controller.signal,
      readStatus: async () => {
        controller.abort()
        return { status: 'Running', studioUrl: undefined }
      }
    })
    expect(await pollJob(opts)).toEqual({ kind: 'interrupted', status: 'Running' })
  })

  it('runs the watch after each status read, before a final status is logged, and takes its time from the next pause', async () => {
    const clock = new ManualClock()
    const calls: string[] = []
    const opts = options(clock, {
      readStatus: reads('Running', { error: 'HTTP 503', permanent: false }, 'Running', 'Completed'),
      watch: async (status, ended) => {
        calls.push(`${status}${ended ? ' (ended)' : ''}`)
        opts.lines.push(`watched ${status}`)
        clock.time += 500
      }
    })
    expect(await pollJob(opts)).toMatchObject({ kind: 'finished', status: 'Completed' })
    expect(calls).toEqual(['Running', 'Running', 'Completed (ended)'])
    expect(opts.lines.filter(line => !line.startsWith('Could not'))).toEqual([
      'Status: Running',
      'watched Running',
      'watched Running',
      'watched Completed',
      'Status: Completed'
    ])
    // 2 s, 4 s less the watch's 0.5 s, then 8 s after a read that failed (no watch), then 16 s less 0.5 s.
    expect(clock.sleeps).toEqual([2_000, 3_500, 8_000, 15_500])
  })
})
