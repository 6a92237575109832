import * as core from '@actions/core'
import { createAzureClient } from '../azure/azure-pipeline.js'
import { prepare } from '../sign-in/prepare.js'
import { cancelJob, readJobStatus } from './arm-job.js'
import { classifyStatus } from './job-status.js'
import { readFollowState, saveCancelStage } from './state.js'

const retryLimits = { maxAttempts: 4, maxElapsedMs: 20_000, baseDelayMs: 500, maxDelayMs: 4_000, maxTotalMs: 60_000 }

/**
 * Runs only when the workflow run was cancelled (post-if: cancelled()). If main was stopped before it could cancel
 * the job it was waiting on — killed mid-request, say — this cancels it, so no job outlives the run. When main's
 * cancel request went out, this does nothing: one cancel request per job.
 */
export async function runPost(): Promise<void> {
  try {
    const followed = readFollowState()
    if (!followed || followed.ended || followed.cancel === 'sent') return
    const { settings, credential } = prepare()
    const arm = createAzureClient(credential, settings.cloud.resourceManagerScope, retryLimits)
    const read = await readJobStatus(arm, followed.jobUrl)
    if ('status' in read && (classifyStatus(read.status) !== 'running' || read.status === 'CancelRequested')) {
      core.info(`Job ${followed.jobName} is ${read.status}: nothing to cancel.`)
      return
    }
    saveCancelStage('sending')
    await cancelJob(arm, followed.jobUrl)
    saveCancelStage('sent')
    core.info(`The workflow run was cancelled: asked Azure to cancel job ${followed.jobName}.`)
  } catch (error) {
    // The run is already cancelled; a failure here is reported without turning anything else red.
    core.warning(`Could not cancel the Azure job: ${error instanceof Error ? error.message : String(error)}`)
  }
}

// @github/local-action runs an entry file's exported run().
export { runPost as run }
