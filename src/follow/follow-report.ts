import { formatDuration } from '../duration.js'
import type { Settings } from '../settings.js'
import type { FollowResult } from './follow.js'

export interface FollowReport {
  /** error fails the step. */
  level: 'info' | 'warning' | 'error'
  message: string
}

/** How the step ends after following a job, and what it tells the user. Pure. */
export function reportFollowResult(result: FollowResult, jobName: string, settings: Settings): FollowReport {
  const logs = result.studioUrl ? ` Its logs: ${result.studioUrl}` : ''
  switch (result.outcome) {
    case 'finished': {
      const took = formatDuration(result.durationMs)
      if (result.status === 'Completed') return { level: 'info', message: `Job ${jobName} Completed after ${took}.` }
      return {
        level: settings.follow.failOnJobFailure ? 'error' : 'warning',
        message: `Job ${jobName} ended ${result.status} after ${took}.${logs}`
      }
    }
    case 'timed-out': {
      const limit = formatDuration(settings.follow.waitTimeoutMs)
      const base = `Job ${jobName} did not finish within wait-timeout (${limit}); its last status was ${result.status}.`
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
          `Could not read the status of job ${jobName} through Azure Resource Manager: ${result.error}. ` +
          `Check 'resource-manager-endpoint' and that the service principal may read jobs in the workspace ` +
          `(AzureML Data Scientist allows it). The job itself keeps running.${logs}`
      }
    case 'vanished':
      return {
        level: 'error',
        message:
          `Job ${jobName} no longer exists: Azure Resource Manager showed it before and now answers "${result.error}". ` +
          `It was deleted while the action waited, or its workspace was; its last status was ${result.status}.`
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
