import type { SubmittedJob } from './submitted-job.js'
import type { Settings } from './settings.js'

export interface SummaryRow {
  label: string
  value: string
}

/** The facts the step summary shows, in order. Pure, so what the summary says is tested without a runner. */
export function summaryRows(job: SubmittedJob, settings: Settings): SummaryRow[] {
  return [
    { label: 'Job', value: job.name },
    { label: 'Status', value: job.status },
    { label: 'Endpoint', value: settings.scoringUri },
    { label: 'Deployment', value: job.deployment ?? settings.deploymentName ?? '(endpoint default)' },
    { label: 'Input', value: `${settings.input.name}: ${settings.input.uri}` }
  ]
}

export function summaryMarkdown(job: SubmittedJob, settings: Settings): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')
  const lines = [
    '### Azure ML batch scoring job',
    '',
    '| | |',
    '|---|---|',
    ...summaryRows(job, settings).map(row => `| ${row.label} | \`${cell(row.value)}\` |`)
  ]
  if (job.studioUrl) lines.push('', `[Open the job in Azure Machine Learning studio](${job.studioUrl})`)
  return `${lines.join('\n')}\n`
}
