import * as core from '@actions/core'
import type { TokenCredential } from '@azure/identity'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import type { FollowResult } from '../follow/follow.js'
import type { SubmittedJob } from '../job/submitted-job.js'
import type { Settings } from '../settings.js'
import { summaryMarkdown, writeSummary } from '../summary.js'
import { logSafe } from '../untrusted-text.js'
import { explainFailure } from './diagnosis/explain-failure.js'
import { reportFollowResult } from './follow-report.js'

export interface OutcomeClients {
  credential: TokenCredential
  arm: SendAzureRequest
  /** For pre-signed URLs (run logs): requests with no Authorization header. */
  anonymous: SendAzureRequest
}

/**
 * The end of a followed job, as the workflow sees it: the outputs, the predictions downloaded when it Completed, the
 * reason when it failed, the step summary, and the step's own outcome.
 */
export async function reportOutcome(
  result: FollowResult,
  job: SubmittedJob,
  settings: Settings,
  clients: OutcomeClients,
  /** The workflow run's cancellation: a download or a diagnosis in progress stops at once. */
  cancelled: AbortSignal
): Promise<void> {
  core.setOutput('status', result.status)
  const durationMs = result.outcome === 'finished' ? result.durationMs : undefined
  if (durationMs !== undefined) core.setOutput('duration-seconds', Math.round(durationMs / 1000))
  const followed = { status: result.status, durationMs, scoring: result.scoring }
  let reason: string | undefined
  let details = ''
  if (result.outcome === 'finished' && result.status === 'Completed' && settings.results) {
    try {
      details = await resultsStep(settings.results, job, settings, clients, cancelled)
    } catch (error) {
      // The job itself Completed: the summary says so before the step fails on its results.
      await writeSummary(summaryMarkdown(job, settings, followed), true)
      throw error
    }
  } else if (result.outcome === 'finished' && ['Failed', 'NotResponding'].includes(result.status)) {
    const diagnosis = await failureStep(job, settings, clients, result.studioUrl, cancelled)
    reason = diagnosis.reason
    details = diagnosis.markdown
  }
  await writeSummary(`${summaryMarkdown(job, settings, followed)}${details ? `\n${details}` : ''}`, true)
  const report = reportFollowResult(result, job.name, settings)
  // The reason comes first: it is what the annotation shows.
  const message = reason ? `${logSafe(reason)}\n${report.message}` : report.message
  if (report.level === 'error') core.setFailed(message)
  else if (report.level === 'warning') core.warning(message)
  else core.info(message)
}

/** A job that Failed or stopped responding: why, from run history, as far as it can tell within its budget. */
async function failureStep(
  job: SubmittedJob,
  settings: Settings,
  clients: OutcomeClients,
  studioUrl: string | undefined,
  cancelled: AbortSignal
) {
  const diagnosis = await core.group('Why the job failed', () =>
    explainFailure(
      job.id,
      job.name,
      {
        arm: clients.arm,
        // Log URLs are pre-signed: they get no token.
        anonymous: clients.anonymous,
        resourceManager: settings.resourceManager,
        cloud: settings.cloud.name,
        studioUrl,
        cancelled
      },
      { info: message => core.info(message), notice: message => core.notice(message) }
    )
  )
  if (diagnosis.reason) core.setOutput('error-message', diagnosis.reason)
  return diagnosis
}

/** download-path: the Completed job's output comes down into the workspace; returns the summary's section. */
async function resultsStep(
  results: NonNullable<Settings['results']>,
  job: SubmittedJob,
  settings: Settings,
  { arm, credential }: OutcomeClients,
  signal: AbortSignal
): Promise<string> {
  // Loaded only for download-path: it brings the storage SDK.
  const { fetchResults } = await import('./download/fetch-results.js')
  const fetched = await core.group('Download the results', () =>
    fetchResults(
      results,
      job,
      { arm, resourceManager: settings.resourceManager, cloud: settings.cloud, credential },
      {
        info: message => core.info(message),
        mask: secret => core.setSecret(secret)
      },
      signal
    )
  )
  core.setOutput('downloaded-files', fetched.files.length)
  if (fetched.resultsFile) core.setOutput('results-file', fetched.resultsFile)
  return fetched.markdown
}
