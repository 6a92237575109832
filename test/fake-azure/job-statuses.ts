// How a fake job's status moves, so that tests decide what each read of the job sees rather than waiting on a cluster.

/** A status the job holds for `forMs` milliseconds. */
export interface TimedStatus {
  status: string
  forMs: number
}

/**
 * A job's status script; the last status holds for ever.
 * - Plain statuses move on one per read of the job: the first read answers the first status, the second the second.
 *   A test says exactly what each poll sees.
 * - Timed statuses follow the clock from the moment the job got the script (its creation, or `setJobStatuses`), so a
 *   test can say "Running for 3 s, then Completed" however often, or seldom, the client polls.
 */
export type JobStatusScript = readonly string[] | readonly TimedStatus[]

export const defaultJobStatuses: JobStatusScript = ['Preparing', 'Running', 'Completed']

/** Statuses a job never leaves (Azure ML's JobStatus enum); only Completed is a success. */
export const terminalStatuses: ReadonlySet<string> = new Set([
  'Completed',
  'Failed',
  'Canceled',
  'NotResponding',
  'Paused'
])

/** What a cancellation turns a running job's script into: the next read reports the request, later reads the end. */
export const cancellationStatuses: JobStatusScript = ['CancelRequested', 'Canceled']

/** One job's position in its script. */
export class JobStatuses {
  private script: JobStatusScript
  private since: number
  private reads = 0
  private reported: string

  /** `reported` is the status the job was last seen in, e.g. the one its submission answered with. */
  constructor(script: JobStatusScript, reported: string) {
    this.script = checkJobStatusScript(script)
    this.since = Date.now()
    this.reported = reported
  }

  /**
   * The status the job is in now: for a plain script the one last read (reads are its clock), for a timed script the
   * one the clock has reached.
   */
  get current(): string {
    return isTimed(this.script) ? statusAt(this.script, Date.now() - this.since) : this.reported
  }

  get terminal(): boolean {
    return terminalStatuses.has(this.current)
  }

  /** The status a read of the job answers; a plain script moves on by one. */
  read(): string {
    const script = this.script
    this.reported = isTimed(script)
      ? statusAt(script, Date.now() - this.since)
      : (script[Math.min(this.reads++, script.length - 1)] ?? this.reported)
    return this.reported
  }

  /** Replaces the rest of the script; a timed script's clock starts now. */
  replace(script: JobStatusScript): void {
    this.script = checkJobStatusScript(script)
    this.since = Date.now()
    this.reads = 0
  }
}

function isTimed(script: JobStatusScript): script is readonly TimedStatus[] {
  return typeof script[0] === 'object'
}

function statusAt(script: readonly TimedStatus[], elapsedMs: number): string {
  let end = 0
  for (const step of script) {
    end += step.forMs
    if (elapsedMs < end) return step.status
  }
  return script.at(-1)?.status ?? ''
}

/** A copy of the script, or an error saying what is wrong with it. */
export function checkJobStatusScript(script: JobStatusScript): JobStatusScript {
  if (script.length === 0) throw new Error('A job status script needs at least one status.')
  const kinds = new Set(script.map(step => typeof step))
  if (kinds.size > 1) throw new Error('A job status script is either all plain statuses or all timed statuses.')
  for (const step of script) {
    if (typeof step === 'object' && !(Number.isFinite(step.forMs) && step.forMs >= 0)) {
      throw new Error(`Status ${step.status} has forMs ${step.forMs}; give a finite number of milliseconds >= 0.`)
    }
  }
  return [...script] as JobStatusScript
}
