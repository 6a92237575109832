import * as core from '@actions/core'

// The only file that touches the runner's step state: what main leaves for the post step, which runs only when the
// workflow run was cancelled (post-if: cancelled()) and makes sure the Azure job does not outlive it.

export type CancelStage = 'sending' | 'sent'

export interface FollowState {
  /** Set while main waits on a job that is to be cancelled with the workflow. */
  jobName: string
  jobUrl: string
  /** main stopped waiting on its own terms (final status, timeout): nothing is left for post. */
  ended: boolean
  cancel: CancelStage | undefined
}

export function isPost(): boolean {
  return core.getState('isPost') === 'true'
}

export function markMainStarted(): void {
  core.saveState('isPost', 'true')
}

export function saveFollowedJob(jobName: string, jobUrl: string): void {
  core.saveState('jobName', jobName)
  core.saveState('jobUrl', jobUrl)
}

export function saveFollowEnded(): void {
  core.saveState('followEnded', 'true')
}

export function saveCancelStage(stage: CancelStage): void {
  core.saveState('cancel', stage)
}

export function readFollowState(): FollowState | undefined {
  const jobName = core.getState('jobName')
  const jobUrl = core.getState('jobUrl')
  if (!jobName || !jobUrl) return undefined
  const cancel = core.getState('cancel')
  return {
    jobName,
    jobUrl,
    ended: core.getState('followEnded') === 'true',
    cancel: cancel === 'sending' || cancel === 'sent' ? cancel : undefined
  }
}
