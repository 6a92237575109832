import { newestLog, progressLog, userErrorLog } from '../../run-history/log-names.js'
import { excerpt } from '../../untrusted-text.js'

// What run history says about a failed run, reduced to what a user reads first: the error the service stated and the
// end of the logs that explain it. Pure; the shapes are those `az ml job stream` reads (azure-ai-ml
// _job_ops_helper.py), and a field that is missing only leaves that part out.

export interface RunError {
  run: string
  code: string | undefined
  message: string
}

export interface LogTail {
  name: string
  lines: string[]
}

export interface FailureDetails {
  /** One line: the service's own words. */
  reason: string
  errors: RunError[]
  logs: LogTail[]
  /** What could not be read, each as "what: why". */
  unread: string[]
}

const linesPerLog = 50

/** A run's error: `{"error": {"code", "message"}}` as run history nests it, or the inner object itself. */
export function runError(run: string, details: unknown): RunError | undefined {
  const outer = (details as { error?: unknown } | undefined)?.error as
    { error?: { code?: unknown; message?: unknown }; code?: unknown; message?: unknown } | undefined
  const error = outer?.error ?? outer
  if (typeof error?.message !== 'string' || error.message.trim() === '') return undefined
  return { run, code: typeof error.code === 'string' ? error.code : undefined, message: error.message }
}

/** The log names to read from a run's `logFiles`: the newest progress log, then the user error log. */
export function wantedLogNames(logFiles: unknown): string[] {
  return [progressLog, userErrorLog].flatMap(kind => newestLog(logFiles, kind) ?? [])
}

export function lastLines(text: string, max = linesPerLog): string[] {
  const lines = text.split(/\r?\n/)
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop()
  return lines.slice(-max)
}

/**
 * The reason in one line: the scoring step's error (it names what failed), else the job's, else the last line of the
 * user error log; failing all, what the SDK says when a run has no error set.
 */
export function failureReason(errors: readonly RunError[], logs: readonly LogTail[]): string {
  const error = errors.find(e => e.run === 'batchscoring') ?? errors[0]
  if (error) return excerpt(`${error.code ? `${error.code}: ` : ''}${error.message}`, 400)
  const userError = logs
    .find(log => /user\/error/.test(log.name))
    ?.lines.filter(l => l.trim() !== '')
    .at(-1)
  if (userError) return excerpt(userError, 400)
  return 'Detailed error not set on the Run. Please check the logs for details.'
}
