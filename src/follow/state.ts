import * as core from '@actions/core'
import type { JobSubmission } from '../job/job-request.js'
import type { SubmissionFate } from '../job/submit.js'

// The only file that touches the runner's step state: what main leaves for the post step, which runs only when the
// workflow run was cancelled (post-if: cancelled()) and makes sure no Azure job outlives it. Every value is written
// at once (a file command), so it survives main being killed the next moment.

// The runner hands saved state to post only; main reads back what it saved itself from this copy.
const savedByMain = new Map<string, string>()

function save(name: string, value: string): void {
  savedByMain.set(name, value)
  core.saveState(name, value)
}

function read(name: string): string {
  return core.getState(name) || (savedByMain.get(name) ?? '')
}

export type CancelStage = 'sending' | 'sent'

export interface LeftoverJob {
  /** The request that was on its way to the endpoint: replayed with the same repeatability id, it names the job. */
  submission: JobSubmission | undefined
  /** Every attempt of the submission was refused before a job could exist: there is nothing to replay or cancel. */
  refused: boolean
  /** The job, once the endpoint named it. */
  job: { name: string; id: string } | undefined
  /** Nothing is left for post: the job reached a final status, was cancelled, or was left running on purpose. */
  ended: boolean
  cancel: CancelStage | undefined
}

/** Saved just before the submission goes on the wire: from then on a job may exist that nobody else knows of. */
export function saveSubmissionInFlight(submission: JobSubmission): void {
  save('submission', JSON.stringify(submission))
}

/** Kept current as each attempt goes out and ends: if main stops now, whether its submission may have left a job. */
export function saveSubmissionFate(fate: SubmissionFate): void {
  if (read('submissionFate') !== fate) save('submissionFate', fate)
}

export function saveSubmittedJob(name: string, id: string): void {
  save('jobName', name)
  save('jobId', id)
}

export function saveFollowEnded(): void {
  save('followEnded', 'true')
}

export function saveCancelStage(stage: CancelStage): void {
  save('cancel', stage)
}

export function readLeftoverJob(): LeftoverJob | undefined {
  const submission = parseSubmission(read('submission'))
  const name = read('jobName')
  const id = read('jobId')
  const job = name && id ? { name, id } : undefined
  if (!submission && !job) return undefined
  const cancel = read('cancel')
  return {
    submission,
    refused: read('submissionFate') === 'refused',
    job,
    ended: read('followEnded') === 'true',
    cancel: cancel === 'sending' || cancel === 'sent' ? cancel : undefined
  }
}

function parseSubmission(saved: string): JobSubmission | undefined {
  if (!saved) return undefined
  try {
    const value = JSON.parse(saved) as Partial<JobSubmission>
    const complete =
      typeof value.scoringUri === 'string' && typeof value.body === 'string' && typeof value.headers === 'object'
    return complete ? (value as JobSubmission) : undefined
  } catch {
    return undefined
  }
}
