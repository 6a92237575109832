import * as core from '@actions/core'
import { parseDatastoreUri } from './results/download/output-location.js'
import { reportOutcome } from './results/outcome.js'
import type { Settings } from './settings.js'
import type { AzureClients } from './sign-in/azure-clients.js'
import { summaryMarkdown, writeSummary } from './summary.js'
import { logSafe, trustedLink } from './untrusted-text.js'
import { untilAborted } from './workflow-cancellation.js'
import { readExistingJob, type ExistingJob } from './follow/existing-job.js'
import { followJob, type FollowResult } from './follow/follow.js'
import { classifyStatus } from './follow/job-status.js'
import * as state from './follow/state.js'

/**
 * job-id: a job submitted earlier is read, then waited for, downloaded and explained as one just submitted. A job
 * that has already ended gives its outcome at once. The post step and the cancel-on-* inputs treat it as this
 * step's own: it is saved as the job the step follows before the wait starts.
 */
export async function followExistingJob(settings: Settings, clients: AzureClients, cancelled: AbortSignal) {
  const { jobId, workspace } = settings
  if (!jobId || !workspace) throw new Error("followExistingJob needs 'job-id' and 'workspace'")
  const existing = await core.group('Read the job', async () => {
    const read = await untilAborted(
      readExistingJob(clients.arm, settings.resourceManager, workspace, jobId, cancelled),
      cancelled
    )
    const studio = trustedLink(read.job.studioUrl, [settings.cloud.studioHost])
    core.info(logSafe(`Job ${read.job.name} is ${read.job.status}${studio ? `: ${studio}` : ''}`))
    return { ...read, job: { ...read.job, studioUrl: studio } }
  })
  const { job } = existing
  const followed = { ...settings, results: resultsOf(settings, existing) }
  core.setOutput('job-id', job.name)
  core.setOutput('status', job.status)
  core.setOutput('studio-url', job.studioUrl ?? '')
  core.setOutput('job-resource-id', job.id)
  if (followed.results) core.setOutput('output-uri', followed.results.output.uri)
  await writeSummary(summaryMarkdown(job, followed))
  let result: FollowResult
  if (classifyStatus(job.status) !== 'running') {
    result = { outcome: 'finished', status: job.status, studioUrl: job.studioUrl, durationMs: undefined }
  } else {
    state.saveSubmittedJob(job.name, job.id)
    const startedAt = Date.now()
    result = await core.group('Wait for the job to finish', () =>
      followJob(job, startedAt, followed, clients, cancelled, core)
    )
    // The job's duration counts from its creation, not from when this step began to follow it.
    if (result.outcome === 'finished' && result.durationMs !== undefined && existing.createdAt !== undefined) {
      result = { ...result, durationMs: Math.max(0, startedAt + result.durationMs - existing.createdAt) }
    }
  }
  await reportOutcome(result, job, followed, clients, cancelled)
}

/** download-path without output-uri: the job's own output of that name, as it was submitted. */
function resultsOf(settings: Settings, existing: ExistingJob): Settings['results'] {
  const results = settings.results
  if (!results?.fromJob) return results
  const output = existing.outputs[results.output.name]
  if (!output) {
    const names = Object.keys(existing.outputs).map(name => logSafe(name, 100))
    throw new Error(
      `Job ${logSafe(existing.job.name)} has no output '${results.output.name}' to download into download-path ` +
        `(its outputs: ${names.length > 0 ? names.join(', ') : 'none'}). Set 'output-name' to one of them.`
    )
  }
  // The job's definition is service data: a location in another workspace would have this step's token read a
  // datastore there, which the inputs never named.
  const elsewhere = parseDatastoreUri(output.uri)?.workspace
  if (elsewhere && elsewhere.toLowerCase() !== settings.workspace?.toLowerCase()) {
    throw new Error(
      `Job ${logSafe(existing.job.name)} writes its output '${logSafe(output.name, 100)}' to another workspace ` +
        `(${logSafe(elsewhere)}) than 'workspace': it is not downloaded from there. Download it with a step whose ` +
        "'workspace' is that one."
    )
  }
  return { ...results, output }
}
