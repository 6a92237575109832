import type { SendAzureRequest } from '../../azure/azure-pipeline.js'
import { describeAnswer } from '../../azure/service-errors.js'
import type { CloudName } from '../../sign-in/clouds.js'
import {
  failureReason,
  lastLines,
  runError,
  wantedLogNames,
  type FailureDetails,
  type LogTail,
  type RunError
} from './failure-details.js'
import { isBlobUrl, isMlApiUrl } from './service-hosts.js'

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

/** A step of the diagnosis that failed: `what` could not be read. */
export class DiagnosisError extends Error {
  override name = 'DiagnosisError'
}

/**
 * Why a job failed, as `az ml job stream` finds it: the workspace's regional API host (its discoveryUrl), the job's
 * run and its batchscoring child in run history, their errors and the end of the scoring step's logs.
 */
export async function readFailureDetails(
  workspace: string,
  jobName: string,
  access: RunHistoryAccess
): Promise<FailureDetails> {
  const api = await apiHost(workspace, access)
  const runs = `${api}/history/v1.0${workspace}/runs`
  const job = await getJson(
    access.arm,
    `${runs}/${encodeURIComponent(jobName)}/details`,
    'the job in run history',
    access
  )
  const unread: string[] = []
  let child: string | undefined
  try {
    child = await scoringStep(`${runs}/${encodeURIComponent(jobName)}/children`, access)
  } catch (error) {
    // The job's own error still explains the failure; its steps are named as unread.
    if (!(error instanceof DiagnosisError)) throw error
    unread.push(error.message)
  }
  const childDetails = child
    ? await getJson(access.arm, `${runs}/${encodeURIComponent(child)}/details`, 'the scoring step', access)
    : undefined
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

/** The regional host run history answers on: the workspace's discoveryUrl names a document whose `api` is it. */
async function apiHost(workspace: string, access: RunHistoryAccess): Promise<string> {
  const ws = await getJson(
    access.arm,
    `${access.resourceManager}${workspace}?api-version=${apiVersion}`,
    'the workspace',
    access
  )
  const discoveryUrl = (ws as { properties?: { discoveryUrl?: unknown } }).properties?.discoveryUrl
  if (typeof discoveryUrl !== 'string' || !isMlApiUrl(discoveryUrl, access.cloud)) {
    throw new DiagnosisError(`the workspace's discoveryUrl is not an Azure ML API address (${String(discoveryUrl)})`)
  }
  const discovery = await getJson(access.arm, discoveryUrl, "the workspace's service addresses", access)
  const api = (discovery as { api?: unknown }).api
  if (typeof api !== 'string' || !isMlApiUrl(api, access.cloud)) {
    throw new DiagnosisError(`the discovery document names no Azure ML API host (${String(api)})`)
  }
  return api.replace(/\/+$/, '')
}

// A batch job has one child, but run history pages the children of any run: they are read a page at a time (an
// answer is read only up to its cap), and no further than stepPages pages.
const stepPageSize = 100
const stepPages = 10

/**
 * The batchscoring child of a batch job: by name where run history gives one, else its only child. The first page
 * that names it ends the search; past stepPages pages it is given up, naming what was looked through.
 */
async function scoringStep(childrenUrl: string, access: RunHistoryAccess): Promise<string | undefined> {
  let continuation: string | undefined
  let seen = 0
  for (let page = 0; page < stepPages; page++) {
    const query = `$top=${stepPageSize}${continuation ? `&$continuationtoken=${encodeURIComponent(continuation)}` : ''}`
    const answer = (await getJson(access.arm, `${childrenUrl}?${query}`, "the job's steps", access)) as {
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
  throw new DiagnosisError(`the job's steps: no batchscoring step among the first ${seen}`)
}

interface RunSummary {
  runId?: unknown
  name?: unknown
  displayName?: unknown
}

// A log may be far longer than the part of an answer the action reads, and its end is what explains a failure: the
// first request asks for its first tailBytes, and where the log is longer, a second one for its last tailBytes.
const tailBytes = 256 * 1024

async function readLog(name: string, url: string, access: RunHistoryAccess): Promise<string> {
  if (!isBlobUrl(url, access.cloud)) throw new DiagnosisError(`log ${name}: its address is not on blob storage`)
  const head = await readLogRange(name, url, `bytes=0-${tailBytes - 1}`, access)
  const total = Number(/\/(\d+)$/.exec(head.contentRange ?? '')?.[1])
  if (!(total > tailBytes)) return head.text
  const tail = await readLogRange(name, url, `bytes=${total - tailBytes}-`, access)
  // The tail begins inside a line: that line is not shown.
  return tail.text.slice(tail.text.indexOf('\n') + 1)
}

async function readLogRange(name: string, url: string, range: string, access: RunHistoryAccess) {
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
    throw new DiagnosisError(`log ${name}: ${error instanceof Error ? error.message : String(error)}`)
  }
  // 416: the log is empty, so even its first byte is out of range.
  if (answer.status === 416) return { text: '', contentRange: undefined }
  if (answer.status !== 200 && answer.status !== 206) throw new DiagnosisError(`log ${name}: HTTP ${answer.status}`)
  return { text: answer.bodyText, contentRange: answer.headers['content-range'] }
}

async function getJson(send: SendAzureRequest, url: string, what: string, access: RunHistoryAccess): Promise<unknown> {
  let answer
  try {
    answer = await send({ method: 'GET', url, timeoutMs: requestTimeoutMs, signal: access.signal })
  } catch (error) {
    throw new DiagnosisError(`${what}: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (answer.status !== 200) throw new DiagnosisError(`${what}: ${describeAnswer(answer)}`)
  try {
    return JSON.parse(answer.bodyText) as unknown
  } catch {
    throw new DiagnosisError(`${what}: the answer is not JSON`)
  }
}
