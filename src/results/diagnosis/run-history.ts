import {
  readLogRange,
  runDetails,
  runsUrl,
  RunHistoryError,
  scoringStep,
  type RunHistoryAccess
} from '../../run-history/run-history.js'
import {
  failureReason,
  lastLines,
  runError,
  wantedLogNames,
  type FailureDetails,
  type LogTail,
  type RunError
} from './failure-details.js'

/**
 * Why a job failed, as `az ml job stream` finds it: the workspace's regional API host (its discoveryUrl), the job's
 * run and its batchscoring child in run history, their errors and the end of the scoring step's logs.
 */
export async function readFailureDetails(
  workspace: string,
  jobName: string,
  access: RunHistoryAccess
): Promise<FailureDetails> {
  const runs = await runsUrl(workspace, access)
  const job = await runDetails(runs, jobName, 'the job in run history', access)
  const unread: string[] = []
  let child: string | undefined
  try {
    child = await scoringStep(runs, jobName, access)
  } catch (error) {
    // The job's own error still explains the failure; its steps are named as unread.
    if (!(error instanceof RunHistoryError)) throw error
    unread.push(error.message)
  }
  const childDetails = child ? await runDetails(runs, child, 'the scoring step', access) : undefined
  const errors = [runError('batchscoring', childDetails), runError('job', job)].filter(
    (e): e is RunError => e !== undefined
  )
  const logFiles =
    (childDetails as { logFiles?: unknown } | undefined)?.logFiles ?? (job as { logFiles?: unknown }).logFiles
  const logs: LogTail[] = []
  for (const name of wantedLogNames(logFiles)) {
    const url = (logFiles as Record<string, string>)[name] ?? ''
    try {
      logs.push({ name, lines: lastLines(await readLog(name, url, access)) })
    } catch (error) {
      // The errors already read still explain the failure; the log is named as unread.
      unread.push(error instanceof Error ? error.message : String(error))
    }
  }
  return { reason: failureReason(errors, logs), errors, logs, unread }
}

// A log may be far longer than the part of an answer the action reads, and its end is what explains a failure: the
// first request asks for its first tailBytes, and where the log is longer, a second one for its last tailBytes.
const tailBytes = 256 * 1024

async function readLog(name: string, url: string, access: RunHistoryAccess): Promise<string> {
  const head = await readLogRange(name, url, `bytes=0-${tailBytes - 1}`, access)
  const total = Number(/\/(\d+)$/.exec(head.contentRange ?? '')?.[1])
  if (!(total > tailBytes)) return head.text
  const tail = await readLogRange(name, url, `bytes=${total - tailBytes}-`, access)
  // The tail begins inside a line: that line is not shown.
  return tail.text.slice(tail.text.indexOf('\n') + 1)
}
