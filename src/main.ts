import * as core from '@actions/core'
import { sendAzureLogToDebug } from './azure-debug-log.js'
import { createAzureClient } from './azure-pipeline.js'
import { followJob, type FollowResult } from './follow.js'
import { reportFollowResult } from './follow-report.js'
import type { RetryLimits } from './retry.js'
import { prepare } from './prepare.js'
import type { Settings } from './settings.js'
import { describeSignIn } from './sign-in.js'
import { submitJob, submitRetryLimits } from './submit.js'
import { summaryMarkdown } from './summary.js'
import type { SubmittedJob } from './submitted-job.js'
import { watchWorkflowCancellation } from './workflow-cancellation.js'

// A status read that keeps failing is retried at the next poll, so each read gets only a short budget.
const statusReadRetryLimits: RetryLimits = {
  maxAttempts: 3,
  maxElapsedMs: 20_000,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000
}

export async function run(): Promise<void> {
  let cancellation: ReturnType<typeof watchWorkflowCancellation> | undefined
  try {
    const { settings, credential } = prepare()
    if (core.isDebug()) sendAzureLogToDebug(core.debug)
    core.info(`Signing in as the ${describeSignIn(settings.signIn)}`)
    const retried = (what: string) => (reason: string, delayMs: number) =>
      core.info(`${what} failed (${reason}); trying again in ${(delayMs / 1000).toFixed(1)} s`)

    // Listening from before the submission: a cancellation that arrives while it is in flight still cancels the job.
    if (settings.follow.wait) cancellation = watchWorkflowCancellation(message => core.info(message))
    const endpoint = createAzureClient(credential, settings.cloud.mlScope, submitRetryLimits, retried('Submission'))
    const job = await core.group('Submit the batch scoring job', async () => {
      const submitted = await submitJob(endpoint, settings, core)
      core.info(`Job ${submitted.name} is ${submitted.status}${submitted.studioUrl ? `: ${submitted.studioUrl}` : ''}`)
      return submitted
    })
    const submittedAt = Date.now()
    core.setOutput('job-id', job.name)
    core.setOutput('status', job.status)
    core.setOutput('studio-url', job.studioUrl ?? '')
    core.setOutput('job-resource-id', job.id)
    await writeSummary(summaryMarkdown(job, settings))
    if (!cancellation) return
    const interrupted = cancellation.signal

    const arm = createAzureClient(
      credential,
      settings.cloud.resourceManagerScope,
      statusReadRetryLimits,
      retried('A request to Azure Resource Manager')
    )
    const result = await core.group('Wait for the job to finish', () =>
      followJob(job, submittedAt, settings, arm, interrupted, core)
    )
    await endStep(result, job, settings)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  } finally {
    cancellation?.dispose()
  }
}

async function endStep(result: FollowResult, job: SubmittedJob, settings: Settings): Promise<void> {
  core.setOutput('status', result.status)
  const durationMs = result.outcome === 'finished' ? result.durationMs : undefined
  if (durationMs !== undefined) core.setOutput('duration-seconds', Math.round(durationMs / 1000))
  await writeSummary(summaryMarkdown(job, settings, { status: result.status, durationMs }), true)
  const report = reportFollowResult(result, job.name, settings)
  if (report.level === 'error') core.setFailed(report.message)
  else if (report.level === 'warning') core.warning(report.message)
  else core.info(report.message)
}

// A summary that cannot be written (no GITHUB_STEP_SUMMARY, a full disk) must not fail a job that was submitted.
async function writeSummary(markdown: string, overwrite = false): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write({ overwrite })
  } catch (error) {
    core.warning(`Could not write the step summary: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    core.summary.emptyBuffer()
  }
}
