import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { describeAnswer } from '../azure/service-errors.js'
import type { CloudName } from '../sign-in/clouds.js'
import { untilAborted } from '../workflow-cancellation.js'
import { isBlobUrl, isMlApiUrl } from './service-hosts.js'

// Azure ML's run history, as `az ml job stream` reads it (azure-ai-ml _job_ops_helper.py): the workspace's regional
// API host, a batch job's scoring step, a run's details and its logs. The wait reads the scoring step's logs while
// the job runs; the failure diagnosis reads why it failed. Every address a service answered with is checked before
// anything goes to it.

const apiVersion = '2025-12-01'
const requestTimeoutMs = 10_000

export interface RunHistoryAccess {
  /** Signed for Resource Manager: run history takes the ARM token. */
  arm: SendAzureRequest
  /** Sends no Authorization header: log URLs are pre-signed. */
  anonymous: SendAzureRequest
  resourceManager: string
  cloud: CloudName
  signal: AbortSignal
}

/** A read that failed: `what` could not be read, and why. */
export class RunHistoryError extends Error {
  override name = 'RunHistoryError'
}

/** Why reading run history failed, for a notice: the read's own words, or the error's. */
export function runHistoryFailure(error: unknown): string {
  return error instanceof RunHistoryError ? error.message : `run history: ${String(error)}`
}

/**
 * `work`, handed a signal that ends every request of it at `budgetMs` or when `cancelled` aborts (each a
 * RunHistoryError saying which); it ends then at once, whatever it is waiting on. Run history is read best effort,
 * beside a wait or after it, and must never hold the step.
 */
export async function withinBudget<T>(
  budgetMs: number,
  cancelled: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>
): Promise<T> {
  const stop = new AbortController()
  const timer = setTimeout(() => stop.abort(new RunHistoryError(`no answer within ${budgetMs / 1000} s`)), budgetMs)
  const onCancel = () => stop.abort(new RunHistoryError('the workflow run was cancelled'))
  cancelled?.addEventListener('abort', onCancel, { once: true })
  if (cancelled?.aborted) onCancel()
  try {
    return await untilAborted(work(stop.signal), stop.signal)
  } finally {
    clearTimeout(timer)
    cancelled?.removeEventListener('abort', onCancel)
  }
}

/** The runs of a workspace in run history: `<api>/history/v1.0<workspace>/runs`. */
export async function runsUrl(workspace: string, access: RunHistoryAccess): Promise<string> {
  return `${await apiHost(workspace, access)}/history/v1.0${workspace}/runs`
}

/** The regional host run history answers on: the workspace's discoveryUrl names a document whose `api` is it. */
async function apiHost(workspace: string, access: RunHistoryAccess): Promise<string> {
  const ws = await getJson(`${access.resourceManager}${workspace}?api-version=${apiVersion}`, 'the workspace', access)
  const discoveryUrl = (ws as { properties?: { discoveryUrl?: unknown } }).properties?.discoveryUrl
  if (typeof discoveryUrl !== 'string' || !isMlApiUrl(discoveryUrl, access.cloud)) {
    throw new RunHistoryError(`the workspace's discoveryUrl is not an Azure ML API address (${String(discoveryUrl)})`)
  }
  const discovery = await getJson(discoveryUrl, "the workspace's service addresses", access)
  const api = (discovery as { api?: unknown }).api
  if (typeof api !== 'string' || !isMlApiUrl(api, access.cloud)) {
    throw new RunHistoryError(`the discovery document names no Azure ML API host (${String(api)})`)
  }
  return api.replace(/\/+$/, '')
}

/** A run's details: status, error, warnings and `logFiles` (log name → pre-signed URL). */
export function runDetails(runs: string, run: string, what: string, access: RunHistoryAccess): Promise<unknown> {
  return getJson(`${runs}/${encodeURIComponent(run)}/details`, what, access)
}

// A batch job has one child, but run history pages the children of any run: they are read a page at a time (an
// answer is read only up to its cap), and no further than stepPages pages.
const stepPageSize = 100
const stepPages = 10

/**
 * The batchscoring child of a batch job: by name where run history gives one, else its only child; undefined while
 * the job has none. The first page that names it ends the search; past stepPages pages it is given up, naming what
 * was looked through.
 */
export async function scoringStep(
  runs: string,
  jobName: string,
  access: RunHistoryAccess
): Promise<string | undefined> {
  const childrenUrl = `${runs}/${encodeURIComponent(jobName)}/children`
  let continuation: string | undefined
  let seen = 0
  for (let page = 0; page < stepPages; page++) {
    const query = `$top=${stepPageSize}${continuation ? `&$continuationtoken=${encodeURIComponent(continuation)}` : ''}`
    const answer = (await getJson(`${childrenUrl}?${query}`, "the job's steps", access)) as {
      value?: unknown
      continuationToken?: unknown
    }
    const runs = (Array.isArray(answer.value) ? answer.value : []) as RunSummary[]
    const named = runs.find(run => [run.name, run.displayName, run.runId].some(v => String(v).includes('batchscoring')))
    const next =
      typeof answer.continuationToken === 'string' && answer.continuationToken ? answer.continuationToken : undefined
    const only = page === 0 && !next && runs.length === 1 ? runs[0] : undefined
    const chosen = named ?? only
    if (chosen) return typeof chosen.runId === 'string' ? chosen.runId : undefined
    seen += runs.length
    if (!next) return undefined
    continuation = next
  }
  throw new RunHistoryError(`the job's steps: no batchscoring step among the first ${seen}`)
}

interface RunSummary {
  runId?: unknown
  name?: unknown
  displayName?: unknown
}

export interface LogRange {
  /** The bytes asked for, decoded; '' when the log holds none there (416). */
  text: string
  /** The answer's Content-Range (`bytes <first>-<last>/<total>`), when it gave one. */
  contentRange: string | undefined
  /** 206: the range was honoured; 200: the service sent the log from its start. */
  status: number
}

/** Part of a run's log, by its pre-signed URL: the URL gets no token, and is followed only to blob storage. */
export async function readLogRange(
  name: string,
  url: string,
  range: string,
  access: RunHistoryAccess
): Promise<LogRange> {
  if (!isBlobUrl(url, access.cloud)) throw new RunHistoryError(`log ${name}: its address is not on blob storage`)
  let answer
  try {
    answer = await access.anonymous({
      method: 'GET',
      url,
      headers: { 'x-ms-range': range },
      timeoutMs: requestTimeoutMs,
      signal: access.signal
    })
  } catch (error) {
    throw new RunHistoryError(`log ${name}: ${error instanceof Error ? error.message : String(error)}`)
  }
  // 416: the log holds nothing from there on (it is empty, or no longer than what was read).
  if (answer.status === 416) return { text: '', contentRange: undefined, status: 416 }
  if (answer.status !== 200 && answer.status !== 206) throw new RunHistoryError(`log ${name}: HTTP ${answer.status}`)
  return { text: answer.bodyText, contentRange: answer.headers['content-range'], status: answer.status }
}

async function getJson(url: string, what: string, access: RunHistoryAccess): Promise<unknown> {
  let answer
  try {
    answer = await access.arm({ method: 'GET', url, timeoutMs: requestTimeoutMs, signal: access.signal })
  } catch (error) {
    throw new RunHistoryError(`${what}: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (answer.status !== 200) throw new RunHistoryError(`${what}: ${describeAnswer(answer)}`)
  try {
    return JSON.parse(answer.bodyText) as unknown
  } catch {
    throw new RunHistoryError(`${what}: the answer is not JSON`)
  }
}
