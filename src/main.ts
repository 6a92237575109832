import * as core from '@actions/core'
import { dryRun } from './dry-run.js'
import { followExistingJob } from './follow-existing-job.js'
import { followJob } from './follow/follow.js'
import { cancelLeftoverJob, settleUnknownSubmission } from './follow/leftover-job.js'
import * as state from './follow/state.js'
import { lookUpDataAssets } from './job/data-assets.js'
import { endpointStep } from './job/endpoint-step.js'
import { EndpointError, submitStep } from './job/submit.js'
import { prepare, signIn } from './prepare.js'
import { reportOutcome } from './results/outcome.js'
import type { Settings } from './settings.js'
import type { AzureClients } from './sign-in/azure-clients.js'
import { summaryMarkdown, writeSummary } from './summary.js'
import { logSafe } from './untrusted-text.js'
import { uploadStep } from './upload/upload-step.js'
import { untilAborted, watchWorkflowCancellation } from './workflow-cancellation.js'

export async function run(): Promise<void> {
  // Listening from the very start: whatever stage a cancelled run reaches, it stops there at once and leaves no job.
  const cancellation = watchWorkflowCancellation(message => core.info(message))
  const cancelled = cancellation.signal
  let started: { settings: Settings; clients: AzureClients } | undefined
  try {
    const prepared = prepare()
    let { settings } = prepared
    if (settings.dryRun) return await dryRun(settings, () => signIn(settings, prepared.credential), cancelled)
    const clients = signIn(settings, prepared.credential)
    started = { settings, clients }
    if (settings.jobId) return await followExistingJob(settings, clients, cancelled)
    settings = await endpointStep(settings, clients.arm, cancelled)
    settings = await lookUpDataAssets(settings, clients.arm, cancelled)
    if (settings.upload) {
      const uploaded = await untilAborted(uploadStep(settings, clients), cancelled)
      if (!uploaded) return
      settings = uploaded
    }
    const job = await submitStep(clients.endpoint, settings, {
      signal: cancelled,
      // What post needs to find the job is saved before the request can create it.
      onSending: submission => state.saveSubmissionInFlight(submission),
      onFate: fate => state.saveSubmissionFate(fate),
      onSubmitted: submitted => state.saveSubmittedJob(submitted.name, submitted.id)
    })
    const submittedAt = Date.now()
    await writeSummary(summaryMarkdown(job, settings))
    cancelled.throwIfAborted()
    if (!settings.follow.wait) {
      // Handed off: the job is meant to outlive the step.
      state.saveFollowEnded()
      return
    }
    const result = await core.group('Wait for the job to finish', () =>
      followJob(job, submittedAt, settings, clients, cancelled, core)
    )
    await reportOutcome(result, job, settings, clients, cancelled)
  } catch (error) {
    if (cancelled.aborted && started) await endCancelledRun(started.settings, started.clients)
    else if (error instanceof EndpointError && error.jobMayExist && started) {
      await endUnknownSubmission(error, started.settings, started.clients, cancelled)
    } else core.setFailed(error instanceof Error ? error.message : String(error))
  } finally {
    cancellation.dispose()
  }
}

/** The run was cancelled outside the wait: before, during or just after the submission. */
async function endCancelledRun(settings: Settings, clients: AzureClients): Promise<void> {
  if (!state.readLeftoverJob()) {
    core.setFailed('The workflow run was cancelled before the job was submitted; nothing was submitted.')
    return
  }
  try {
    core.setFailed(`The workflow run was cancelled: ${await cancelLeftoverJob(settings, clients)}`)
  } catch (error) {
    const reason = logSafe(error instanceof Error ? error.message : String(error))
    core.setFailed(
      `The workflow run was cancelled; cancelling the Azure job failed (${reason}). The post step tries again.`
    )
  }
}

/** The submission failed in a way that may hide a job: the step ends only once it knows, and says what it found. */
async function endUnknownSubmission(
  error: EndpointError,
  settings: Settings,
  clients: AzureClients,
  cancelled: AbortSignal
): Promise<void> {
  let found
  try {
    found = await settleUnknownSubmission(settings, clients, cancelled)
  } catch (failure) {
    if (cancelled.aborted) {
      core.setFailed(
        `${error.message}\nThe workflow run was cancelled while the action looked for the job the endpoint may have ` +
          'taken; the post step finishes that.'
      )
      return
    }
    const reason = logSafe(failure instanceof Error ? failure.message : String(failure))
    found = `The endpoint may have taken the job; cancelling it failed (${reason}). Cancel it in Azure ML studio.`
  }
  core.setFailed(`${error.message}\n${found}`)
}
