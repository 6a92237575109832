import { formatDuration } from '../duration.js'
import type { FollowResult } from '../follow/follow.js'
import type { Settings } from '../settings.js'
import { logSafe } from '../untrusted-text.js'

export interface FollowReport {
  /** error fails the step. */
  level: 'info' | 'warning' | 'error'
  message: string
}

/** How the step ends after following a job, and what it tells the user. Pure. */
export function reportFollowResult(result: FollowResult, name: string, settings: Settings): FollowReport {
  // Every name, status and message here came from a service: shown as data, never as a runner command.
  const jobName = logSafe(name)
  const logs = result.studioUrl ? ` Its logs: ${logSafe(result.studioUrl)}` : ''
  const status = logSafe(result.status)
  switch (result.outcome) {
    case 'finished': {
      // A job followed by job-id that had already ended: when it ended is not known.
      const took = result.durationMs === undefined ? '' : ` after ${formatDuration(result.durationMs)}`
      if (status === 'Completed') return { level: 'info', message: `Job ${jobName} Completed${took}.` }
      return {
        level: settings.follow.failOnJobFailure ? 'error' : 'warning',
        message: `Job ${jobName} ended ${status}${took}.${logs}`
      }
    }
    case 'timed-out': {
      const limit = formatDuration(settings.follow.waitTimeoutMs)
      const base = `Job ${jobName} did not finish within wait-timeout (${limit}); its last status was ${status}.`
      return {
        level: 'error',
        message: `${base} ${cancelSentence(result.cancel, jobName, 'cancel-on-timeout')}${logs}`
      }
    }
    case 'interrupted':
      return {
        level: 'error',
        message: `The workflow run was cancelled while waiting for job ${jobName}. ${cancelSentence(result.cancel, jobName, 'cancel-on-workflow-cancel')}`
      }
    case 'unreadable':
      return {
        level: 'error',
        message:
          `Could not read the status of job ${jobName} through Azure Resource Manager: ${logSafe(result.error)}. ` +
          `Check 'resource-manager-endpoint' and that the service principal may read jobs in the workspace ` +
          `(AzureML Data Scientist allows it). ${unreadableCancelSentence(result.cancel)}${logs}`
      }
    case 'vanished':
      return {
        level: 'error',
        message:
          `Job ${jobName} no longer exists: Azure Resource Manager showed it before and now answers "${logSafe(result.error)}". ` +
          `It was deleted while the action waited, or its workspace was; its last status was ${status}.`
      }
  }
}

function cancelSentence(
  cancel: { requested: boolean; error?: string },
  jobName: string,
  input: 'cancel-on-timeout' | 'cancel-on-workflow-cancel'
): string {
  if (cancel.requested) return `The Azure job ${jobName} was cancelled.`
  if (cancel.error) return `Cancelling the Azure job failed (${cancel.error}); it may still be running.`
  return `The Azure job is left running, as ${input} is false.`
}

function unreadableCancelSentence(cancel: { requested: boolean; error?: string } | undefined): string {
  if (cancel?.requested) return 'The Azure job was cancelled, as cancel-on-timeout says.'
  if (cancel?.error) return `Cancelling it failed too (${cancel.error}). The job itself keeps running.`
  if (cancel) return 'The job itself keeps running, as cancel-on-timeout is false.'
  return 'The job itself keeps running.'
}
