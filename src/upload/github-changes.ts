import type { HttpMethods } from '@azure/core-rest-pipeline'
import { createAzureClient, type SendAzureRequest } from '../azure/azure-pipeline.js'
import type { RetryLimits } from '../azure/retry.js'
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

// GitHub's compare API is one more service: a 502 now and then, or no answer at all. Octokit asks it through the
// action's HTTP pipeline, with the Azure services' retries (after 408, 429, 5xx and network failures), bounded in time,
// so that it neither fails a step on one bad answer nor holds it for hours.

/** GitHub lists at most this many files, without saying that it stopped. */
const compareFileLimit = 300

/** How long GitHub may take. The step's are compareBounds; a test passes shorter ones to see them hold. */
export interface CompareBounds {
  /** Each request. */
  requestTimeoutMs: number
  /** The whole comparison, all pages and retries. */
  budgetMs: number
}

const compareBounds: CompareBounds = { requestTimeoutMs: 30_000, budgetMs: 40_000 }

function retryLimits(budgetMs: number): RetryLimits {
  return { maxAttempts: 3, maxElapsedMs: budgetMs, baseDelayMs: 1_000, maxDelayMs: 2_000, maxTotalMs: budgetMs }
}

export interface ChangesLog {
  info(message: string): void
}

/**
 * The triggering event, and the repository paths its push (or pull request) added or modified: `changed` is undefined
 * when GitHub cannot tell.
 */
export async function changedFiles(
  token: string | undefined,
  log: ChangesLog,
  bounds: CompareBounds = compareBounds
): Promise<{ event: string; changed?: Set<string> }> {
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
  const send = createAzureClient(undefined, '', retryLimits(bounds.budgetMs), {
    onRetry: (reason, delayMs) =>
      log.info(`GitHub's compare API failed (${reason}); trying again in ${Math.round(delayMs / 1000)} s`),
    // A comparison holds each file's patch, and an added data file's patch is the whole file: read all of it.
    answerCapBytes: Number.POSITIVE_INFINITY
  })
  // Without a token octokit itself refuses to ask, and says what it needs.
  const octokit = getOctokit(token ?? '', { request: { fetch: fetchThrough(send, bounds.requestTimeoutMs) } })
  const basehead = `${compare.base}...${compare.head}`
  const deadline = AbortSignal.timeout(bounds.budgetMs)
  const files: ComparedFile[] = []
  // GitHub pages a comparison; 30 pages of 100 covers its own limit of 3000 files.
  for (let page = 1; page <= 30; page++) {
    const response = await explained(basehead, deadline, bounds.budgetMs, () =>
      octokit.rest.repos.compareCommitsWithBasehead({
        ...context.repo,
        basehead,
        per_page: 100,
        page,
        request: { signal: deadline }
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

/** Octokit's fetch, sent through the pipeline. Octokit only reads the comparison here: GET requests, no body. */
function fetchThrough(send: SendAzureRequest, requestTimeoutMs: number): typeof fetch {
  return async (url, init) => {
    const answer = await send({
      method: (init?.method ?? 'GET') as HttpMethods,
      url: String(url),
      headers: init?.headers as Record<string, string>,
      timeoutMs: requestTimeoutMs,
      signal: init?.signal ?? undefined
    })
    return new Response(answer.bodyText || null, { status: answer.status, headers: answer.headers })
  }
}

/** A page of the comparison; once the retries are spent, its failure says what to do about it. */
async function explained<T>(
  basehead: string,
  deadline: AbortSignal,
  budgetMs: number,
  request: () => Promise<T>
): Promise<T> {
  try {
    return await request()
  } catch (error) {
    if (deadline.aborted) {
      throw new Error(
        `GitHub's compare API (${logSafe(basehead)}) gave no answer within ${budgetMs / 1000} s. ` +
          'changed-only needs it to tell which files changed: run the job again, or set changed-only to false.'
      )
    }
    const status = (error as { status?: number }).status
    const why = status ? `HTTP ${status}` : 'no answer'
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
}
