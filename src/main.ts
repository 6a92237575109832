import * as core from '@actions/core'
import { sendAzureLogToDebug } from './azure-debug-log.js'
import { createAzureClient } from './azure-pipeline.js'
import { createCredential, guardCredential } from './credential.js'
import { readSettings } from './settings.js'
import { submitJob, submitRetryLimits } from './submit.js'
import { summaryMarkdown } from './summary.js'

export async function run(): Promise<void> {
  try {
    // Masked before anything else runs, so no later line, debug ones included, can show it.
    core.setSecret(core.getInput('client-secret'))
    const settings = readSettings(name => core.getInput(name))
    if (core.isDebug()) sendAzureLogToDebug(core.debug)

    const credential = guardCredential(createCredential(settings), settings, core.setSecret)
    const send = createAzureClient(credential, settings.cloud.mlScope, submitRetryLimits, (reason, delayMs) =>
      core.info(`Submission attempt failed (${reason}); trying again in ${(delayMs / 1000).toFixed(1)} s`)
    )
    const job = await core.group('Submit the batch scoring job', async () => {
      const submitted = await submitJob(send, settings, core)
      core.info(`Job ${submitted.name} is ${submitted.status}${submitted.studioUrl ? `: ${submitted.studioUrl}` : ''}`)
      return submitted
    })

    core.setOutput('job-id', job.name)
    core.setOutput('status', job.status)
    core.setOutput('studio-url', job.studioUrl ?? '')
    core.setOutput('job-resource-id', job.id)
    await writeSummary(summaryMarkdown(job, settings))
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

// A summary that cannot be written (no GITHUB_STEP_SUMMARY, a full disk) must not fail a job that was submitted.
async function writeSummary(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.warning(`Could not write the step summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}
