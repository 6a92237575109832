import * as core from '@actions/core'
import type { TokenCredential } from '@azure/identity'
import type { SendAzureRequest } from './azure/azure-pipeline.js'
import { describeDryRun } from './dry-run.js'
import { followJob } from './follow/follow.js'
import { cancelLeftoverJob } from './follow/leftover-job.js'
import * as state from './follow/state.js'
import { resolveDataAssets } from './job/data-assets.js'
import { isDataAssetShortName } from './job/data-uri.js'
import { provenanceTags, runContextFrom } from './job/provenance.js'
import { submitJob } from './job/submit.js'
import { prepare, signIn } from './prepare.js'
import { reportOutcome } from './results/outcome.js'
import type { Settings } from './settings.js'
import type { AzureClients } from './sign-in/azure-clients.js'
import { summaryMarkdown, writeSummary } from './summary.js'
import { codeBlock, logSafe } from './untrusted-text.js'
import { untilAborted, watchWorkflowCancellation } from './workflow-cancellation.js'

export async function run(): Promise<void> {
  // Listening from the very start: whatever stage a cancelled run reaches, it stops there at once and leaves no job.
  const cancellation = watchWorkflowCancellation(message => core.info(message))
  const cancelled = cancellation.signal
  let started: { settings: Settings; clients: AzureClients } | undefined
  try {
    const prepared = prepare()
    const { credential } = prepared
    let { settings } = prepared
    const provenance = provenanceTags(runContextFrom(process.env))
    if (settings.dryRun) {
      const request = describeDryRun(settings, provenance, await filesToUpload(settings))
      for (const line of request.split('\n')) core.info(logSafe(line))
      await writeSummary(`### Azure ML batch scoring job: dry run\n\n${codeBlock(request)}\n`)
      return
    }
    const clients = signIn(settings, credential)
    const { arm } = clients
    started = { settings, clients }
    const { workspace } = settings
    if (workspace && settings.job.inputs.some(i => i.kind === 'data' && isDataAssetShortName(i.uri))) {
      const job = await core.group('Look up data assets', () =>
        untilAborted(
          resolveDataAssets(settings.job, workspace, settings.resourceManager, arm, message => core.info(message)),
          cancelled
        )
      )
      settings = { ...settings, job }
    }
    if (settings.upload) {
      const uploaded = await untilAborted(uploadStep(settings, credential, arm), cancelled)
      if (!uploaded) return
      settings = uploaded
    }
    if (settings.results?.chosen) core.info(`The job will write its results to ${settings.results.output.uri}`)
    const job = await core.group('Submit the batch scoring job', async () => {
      // What post needs to find the job is saved before the request can create it.
      const submitting = submitJob(clients.endpoint, settings, provenance, core, {
        signal: cancelled,
        onSending: submission => state.saveSubmissionInFlight(submission)
      })
      const submitted = await untilAborted(submitting, cancelled)
      state.saveSubmittedJob(submitted.name, submitted.id)
      const studio = submitted.studioUrl ? `: ${submitted.studioUrl}` : ''
      core.info(logSafe(`Job ${submitted.name} is ${submitted.status}${studio}`))
      return submitted
    })
    const submittedAt = Date.now()
    core.setOutput('job-id', job.name)
    core.setOutput('status', job.status)
    core.setOutput('studio-url', job.studioUrl ?? '')
    core.setOutput('job-resource-id', job.id)
    if (settings.job.output) core.setOutput('output-uri', settings.job.output.uri)
    await writeSummary(summaryMarkdown(job, settings))
    cancelled.throwIfAborted()
    if (!settings.follow.wait) {
      // Handed off: the job is meant to outlive the step.
      state.saveFollowEnded()
      return
    }
    const followed = settings
    const result = await core.group('Wait for the job to finish', () =>
      followJob(job, submittedAt, followed, clients.newArm, cancelled, core)
    )
    await reportOutcome(result, job, settings, clients)
  } catch (error) {
    if (cancelled.aborted && started) await endCancelledRun(started.settings, started.clients)
    else core.setFailed(error instanceof Error ? error.message : String(error))
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

/** What input-path matches, found as the upload would find them: a dry run fails where the upload would. */
async function filesToUpload(settings: Settings) {
  if (!settings.upload) return []
  const { findInputFiles, workspaceFolder } = await import('./upload/local-files.js')
  return findInputFiles(settings.upload.inputPath, workspaceFolder(), settings.upload.prefix)
}

/** input-path: the files go up to the datastore and become the job's input; undefined when nothing changed. */
async function uploadStep(settings: Settings, credential: TokenCredential, arm: SendAzureRequest) {
  const { upload, workspace } = settings
  if (!upload || !workspace) return settings
  // Loaded only for input-path: the upload path brings the storage SDK and the GitHub API client.
  const { uploadInput } = await import('./upload/upload-input.js')
  const outcome = await core.group('Upload the input files', () =>
    uploadInput({ ...settings, upload, workspace }, credential, arm, {
      info: message => core.info(message),
      mask: secret => core.setSecret(secret)
    })
  )
  if (outcome.kind === 'skipped') {
    core.info(`Nothing to score: ${outcome.reason}. No job was submitted.`)
    core.setOutput('status', 'Skipped')
    core.setOutput('uploaded-files', 0)
    core.setOutput('uploaded-bytes', 0)
    await writeSummary(`### Azure ML batch scoring job\n\nSkipped: ${outcome.reason}.\n`)
    return undefined
  }
  core.setOutput('uploaded-files', outcome.files)
  core.setOutput('uploaded-bytes', outcome.bytes)
  core.setOutput('input-uri', outcome.inputUri)
  return { ...settings, job: { ...settings.job, inputs: [outcome.input] } }
}
