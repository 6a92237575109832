import * as core from '@actions/core'
import { createAzureClient } from '../azure/azure-pipeline.js'
import { prepare } from '../prepare.js'
import { logSafe } from '../untrusted-text.js'
import { cancelLeftoverJob } from './leftover-job.js'
import { readLeftoverJob } from './state.js'

const retryLimits = { maxAttempts: 4, maxElapsedMs: 20_000, baseDelayMs: 500, maxDelayMs: 4_000, maxTotalMs: 60_000 }

/**
 * Runs only when the workflow run was cancelled (post-if: cancelled()). If main was stopped before it could make sure
 * no job outlives the run — killed mid-POST, mid-request, or after a cancel that failed — this finishes it: it learns
 * the job from the endpoint if main never heard of it, and cancels it. When main's cancel request went out, or main
 * left the job on purpose, this does nothing: one cancel request per job.
 */
export async function runPost(): Promise<void> {
  try {
    const left = readLeftoverJob()
    if (!left || left.ended || left.cancel === 'sent') return
    const { settings, credential } = prepare()
    const clients = {
      endpoint: createAzureClient(credential, settings.cloud.mlScope, retryLimits),
      arm: createAzureClient(credential, settings.cloud.resourceManagerScope, retryLimits)
    }
    core.info(`The workflow run was cancelled: ${await cancelLeftoverJob(settings, clients)}`)
  } catch (error) {
    // The run is already cancelled; a failure here is reported without turning anything else red.
    core.warning(`Could not cancel the Azure job: ${logSafe(error instanceof Error ? error.message : String(error))}`)
  }
}

// @github/local-action runs an entry file's exported run().
export { runPost as run }
