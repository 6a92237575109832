import * as core from '@actions/core'
import { formatDuration } from './duration.js'
import type { ScoringSeen } from './follow/scoring-watch.js'
import type { SubmittedJob } from './job/submitted-job.js'
import type { Settings } from './settings.js'
import { tableCode, trustedLink } from './untrusted-text.js'

export interface SummaryRow {
  label: string
  value: string
}

/** What following the job added: the status it ended in (or was last seen in) and how long that took. */
export interface FollowedStatus {
  status: string
  durationMs?: number
  /** What the scoring step's logs showed while the action waited. */
  scoring?: ScoringSeen
}

/** The facts the step summary shows, in order. Pure, so what the summary says is tested without a runner. */
export function summaryRows(job: SubmittedJob, settings: Settings, followed?: FollowedStatus): SummaryRow[] {
  const rows = [
    { label: 'Job', value: job.name },
    { label: 'Status', value: followed?.status ?? job.status },
    ...endpointRows(job, settings),
    ...settings.job.inputs.map(input => ({
      label: 'Input',
      value: input.kind === 'literal' ? `${input.name} = ${input.value}` : `${input.name}: ${input.uri}`
    })),
    ...(settings.job.output
      ? [{ label: 'Output', value: `${settings.job.output.name}: ${settings.job.output.uri}` }]
      : [])
  ]
  if (followed?.durationMs !== undefined)
    rows.splice(2, 0, { label: 'Duration', value: formatDuration(followed.durationMs) })
  const scoring = followed?.scoring
  if (scoring) {
    rows.splice(
      followed.durationMs === undefined ? 2 : 3,
      0,
      { label: 'Scoring progress', value: scoring.lastProgressLine ?? '(no progress line yet)' },
      { label: 'Scoring errors', value: `${lines(scoring.errorLines)} in logs/user/error.txt` }
    )
  }
  return rows
}

// endpoint-name shows as the name, its scoring URI beside it; a job followed by job-id names neither.
function endpointRows(job: SubmittedJob, settings: Settings): SummaryRow[] {
  if (settings.jobId) return []
  const endpoint = settings.endpointName
    ? `${settings.endpointName}${settings.scoringUri ? ` (${settings.scoringUri})` : ''}`
    : settings.scoringUri
  return [
    { label: 'Endpoint', value: endpoint },
    { label: 'Deployment', value: job.deployment ?? settings.deploymentName ?? '(endpoint default)' }
  ]
}

function lines(count: number): string {
  return `${count} ${count === 1 ? 'line' : 'lines'}`
}

// Job, status and link came from the service: every value is shown as code that it cannot end, and the only link
// is one to the cloud's own Studio.
export function summaryMarkdown(job: SubmittedJob, settings: Settings, followed?: FollowedStatus): string {
  const lines = [
    '### Azure ML batch scoring job',
    '',
    '| | |',
    '|---|---|',
    ...summaryRows(job, settings, followed).map(row => `| ${row.label} | ${tableCode(row.value)} |`)
  ]
  const studio = trustedLink(job.studioUrl, [settings.cloud.studioHost])
  if (studio) lines.push('', `[Open the job in Azure Machine Learning studio](${studio})`)
  return `${lines.join('\n')}\n`
}

// A summary that cannot be written (no GITHUB_STEP_SUMMARY, a full disk) must not fail a job that was submitted.
export async function writeSummary(markdown: string, overwrite = false): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write({ overwrite })
  } catch (error) {
    core.warning(`Could not write the step summary: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    core.summary.emptyBuffer()
  }
}
