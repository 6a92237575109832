import type { SendAzureRequest } from '../../azure/azure-pipeline.js'
import { RunHistoryError, runHistoryFailure, withinBudget } from '../../run-history/run-history.js'
import type { CloudName } from '../../sign-in/clouds.js'
import { logSafe, markdownSafe } from '../../untrusted-text.js'
import { parseWorkspaceId } from '../../workspace-id.js'
import type { FailureDetails } from './failure-details.js'
import { readFailureDetails } from './run-history.js'

export interface Diagnosis {
  /** The reason in one line, when run history could tell it. */
  reason: string | undefined
  /** The step summary's section. */
  markdown: string
}

export interface DiagnosisLog {
  info(message: string): void
  notice(message: string): void
}

export interface DiagnosisContext {
  arm: SendAzureRequest
  anonymous: SendAzureRequest
  resourceManager: string
  cloud: CloudName
  studioUrl: string | undefined
  /** Aborted when the workflow run is cancelled: the diagnosis ends at once, the job has ended already. */
  cancelled?: AbortSignal
}

// Best effort, and bounded: a failed job's step must end promptly however run history behaves.
const diagnosisBudgetMs = 30_000

/**
 * Asks run history why the job failed and shows it in the log; never throws. What could not be read is one notice
 * line with the Studio link, and the step's outcome is the job's either way. All of it ends within `budgetMs`, the
 * step's diagnosisBudgetMs unless a test shortens it.
 */
export async function explainFailure(
  jobId: string,
  jobName: string,
  context: DiagnosisContext,
  log: DiagnosisLog,
  budgetMs = diagnosisBudgetMs
): Promise<Diagnosis> {
  const studio = context.studioUrl ? ` Its logs: ${context.studioUrl}` : ''
  const workspace = parseWorkspaceId(jobId)?.workspace
  try {
    if (!workspace) throw new RunHistoryError(`the job's id names no workspace`)
    // Every request of the diagnosis, and the diagnosis with them, ends at the budget or a cancelled run.
    const details = await withinBudget(budgetMs, context.cancelled, signal =>
      readFailureDetails(workspace, jobName, { ...context, signal })
    )
    for (const line of failureLogLines(details)) log.info(line)
    if (details.unread.length > 0) {
      log.notice(`Could not read all of why the job failed (${logSafe(details.unread.join('; '), 300)}).${studio}`)
    }
    return { reason: details.reason, markdown: failureMarkdown(details) }
  } catch (error) {
    log.notice(`Could not read why the job failed (${logSafe(runHistoryFailure(error), 300)}).${studio}`)
    return { reason: undefined, markdown: '' }
  }
}

/** The log group's lines; every one of them is service text. */
export function failureLogLines(details: FailureDetails): string[] {
  const lines = [`Reason: ${logSafe(details.reason)}`]
  for (const error of details.errors) {
    lines.push(`${error.run} error${error.code ? ` ${logSafe(error.code, 100)}` : ''}: ${logSafe(error.message)}`)
  }
  for (const log of details.logs) {
    lines.push('', `Last ${log.lines.length} lines of ${logSafe(log.name, 200)}:`)
    for (const line of log.lines) lines.push(`  ${logSafe(line, 500)}`)
  }
  return lines
}

export function failureMarkdown(details: FailureDetails): string {
  const lines = ['#### Why the job failed', '', markdownSafe(details.reason), '']
  for (const error of details.errors) {
    const code = error.code ? ` ${markdownSafe(error.code, 100)}` : ''
    lines.push(`- ${error.run === 'batchscoring' ? 'Scoring step' : 'Job'}${code}: ${markdownSafe(error.message)}`)
  }
  if (details.errors.length > 0) lines.push('')
  for (const log of details.logs) {
    lines.push(`Last ${log.lines.length} lines of **${markdownSafe(log.name, 200)}**:`, '')
    lines.push(`> ${log.lines.map(line => markdownSafe(line, 500)).join('<br>')}`, '')
  }
  return lines.join('\n')
}
