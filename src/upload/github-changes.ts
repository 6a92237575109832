import { setTimeout as sleep } from 'node:timers/promises'
import { logSafe } from '../untrusted-text.js'
import {
  changedFilesFromCompare,
  changedFilesFromPush,
  comparisonOfPullRequest,
  type ComparedFile,
  type PullRequestPayload,
  type PushPayload
} from './changed-files.js'
import { loadUndici } from './undici-on-demand.js'

// GitHub's compare API is one more service: a 502 now and then, or no answer at all. It is retried like the Azure
// services and bounded in time, so that it neither fails a step on one bad answer nor holds it for hours.

/** GitHub lists at most this many files, without saying that it stopped. */
const compareFileLimit = 300
const requestTimeoutMs = 30_000
/** The whole comparison, all pages and retries. */
const compareBudgetMs = 40_000
const maxAttempts = 3
const transientStatuses = new Set([408, 429, 500, 502, 503, 504])

export interface ChangesLog {
  info(message: string): void
}

/**
 * The triggering event, and the repository paths its push (or pull request) added or modified: `changed` is undefined
 * when GitHub cannot tell.
 */
export async function changedFiles(token: string, log: ChangesLog): Promise<{ event: string; changed?: Set<string> }> {
  // @actions/github makes octokit's fetch and proxy agent as it loads, and they are undici's: undici comes first, from
  // the chunk the bundle keeps it in (see undici-on-demand.ts).
  await loadUndici()
  const { context, getOctokit } = await import('@actions/github')
  const { eventName: event, payload } = context
  let compare: { base: string; head: string }
  if (event === 'push') {
    const fromPush = changedFilesFromPush(payload as PushPayload)
    if ('files' in fromPush) return { event, changed: fromPush.files }
    log.info(`Asking GitHub which files changed: ${logSafe(fromPush.why)}.`)
    compare = fromPush.compare
  } else if (event === 'pull_request' || event === 'pull_request_target') {
    compare = comparisonOfPullRequest(event, payload as PullRequestPayload)
  } else {
    throw new Error(`changed-only needs a push or pull_request event; this run was started by ${event}.`)
  }
  const octokit = getOctokit(token)
  const basehead = `${compare.base}...${compare.head}`
  const deadline = AbortSignal.timeout(compareBudgetMs)
  const files: ComparedFile[] = []
  // GitHub pages a comparison; 30 pages of 100 covers its own limit of 3000 files.
  for (let page = 1; page <= 30; page++) {
    const response = await retried(basehead, deadline, log, signal =>
      octokit.rest.repos.compareCommitsWithBasehead({
        ...context.repo,
        basehead,
        per_page: 100,
        page,
        request: { signal }
      })
    )
    files.push(...(response.data.files ?? []))
    if (!/rel="next"/.test(response.headers.link ?? '')) break
  }
  if (files.length >= compareFileLimit) {
    log.info(
      `GitHub lists only the first ${compareFileLimit} changed files: every file 'input-path' matches is scored.`
    )
    return { event }
  }
  return { event, changed: changedFilesFromCompare(files) }
}

async function retried<T>(
  basehead: string,
  deadline: AbortSignal,
  log: ChangesLog,
  request: (signal: AbortSignal) => Promise<T>
): Promise<T> {
  const outOfTime = () =>
    new Error(
      `GitHub's compare API (${logSafe(basehead)}) gave no answer within ${compareBudgetMs / 1000} s. ` +
        'changed-only needs it to tell which files changed: run the job again, or set changed-only to false.'
    )
  for (let attempt = 1; ; attempt++) {
    try {
      return await request(AbortSignal.any([deadline, AbortSignal.timeout(requestTimeoutMs)]))
    } catch (error) {
      if (deadline.aborted) throw outOfTime()
      const status = (error as { status?: number }).status
      const why = status ? `HTTP ${status}` : 'no answer'
      if (attempt >= maxAttempts || (status !== undefined && !transientStatuses.has(status))) {
        const message = error instanceof Error ? logSafe(error.message.split('\n')[0] ?? '') : ''
        const next =
          status === 401 || status === 403 || status === 404
            ? "check 'github-token' (it needs contents: read) and that the event's commits exist"
            : 'run the job again'
        throw new Error(
          `GitHub's compare API (${logSafe(basehead)}) answered ${why}: ${message}. changed-only needs it to tell ` +
            `which files changed: ${next}, or set changed-only to false.`,
          { cause: error }
        )
      }
      const delayMs = 1000 * 2 ** (attempt - 1)
      log.info(`GitHub's compare API failed (${why}); trying again in ${delayMs / 1000} s`)
      await sleep(delayMs, undefined, { signal: deadline }).catch(() => {
        throw outOfTime()
      })
    }
  }
}
