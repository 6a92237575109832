import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { describeAnswer } from '../azure/service-errors.js'
import { excerpt } from '../untrusted-text.js'
import { parseWorkspaceId } from '../workspace-id.js'

// The job as Azure Resource Manager knows it: read its status, cancel it.
export const jobsApiVersion = '2025-12-01'

/**
 * The job's ARM URL. The endpoint answers with the job's id under its batch deployment; ARM serves the same job
 * under the workspace: `.../workspaces/{ws}/jobs/{name}`.
 */
export function armJobUrl(resourceManager: string, jobResourceId: string, jobName: string): string {
  const workspace = parseWorkspaceId(jobResourceId)?.workspace
  if (!workspace) throw new Error(`Cannot follow the job: its id '${jobResourceId}' names no Azure ML workspace.`)
  return `${resourceManager}${workspace}/jobs/${encodeURIComponent(jobName)}`
}

export type StatusRead =
  | { status: string; studioUrl: string | undefined }
  | { error: string; permanent: boolean; retryAfterMs?: number; notFound?: boolean; unauthorized?: boolean }

/**
 * One status read. A failed read is reported, not thrown: a status that could not be read is not a failed job.
 * Only a bad request is marked permanent. A 401 or a 403 may be cured by a fresh token (an expired or revoked one,
 * or one issued before a role or a group membership changed), so it is `unauthorized`: the wait asks for a new token
 * once, and only the refusal of that one is final. Nor is an answer that is not a job (an HTML error page from a
 * proxy, an empty body, `null`) permanent.
 */
export async function readJobStatus(send: SendAzureRequest, jobUrl: string, signal?: AbortSignal): Promise<StatusRead> {
  let answer
  try {
    answer = await send({ method: 'GET', url: `${jobUrl}?api-version=${jobsApiVersion}`, timeoutMs: 30_000, signal })
  } catch (error) {
    if (signal?.aborted) throw error
    return { error: error instanceof Error ? error.message : String(error), permanent: false }
  }
  if (answer.status === 200) return jobStatusOf(answer.bodyText)
  const retryAfter = Number(answer.headers['retry-after'])
  return {
    error: describeAnswer(answer),
    permanent: answer.status === 400,
    ...(answer.status === 401 || answer.status === 403 ? { unauthorized: true } : {}),
    ...(answer.status === 404 ? { notFound: true } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {})
  }
}

function jobStatusOf(bodyText: string): StatusRead {
  let job: { properties?: { status?: unknown; services?: { Studio?: { endpoint?: unknown } } } } | null
  try {
    job = JSON.parse(bodyText) as typeof job
  } catch {
    job = null
  }
  const status = job?.properties?.status
  const studio = job?.properties?.services?.Studio?.endpoint
  if (typeof status === 'string') return { status, studioUrl: typeof studio === 'string' ? studio : undefined }
  return {
    error: `Azure Resource Manager answered HTTP 200 without a job status: ${excerpt(bodyText, 200)}`,
    permanent: false
  }
}

/** Asks ARM to cancel the job; ARM accepts with 202 (or 200) and the job moves to CancelRequested. */
export async function cancelJob(send: SendAzureRequest, jobUrl: string, signal?: AbortSignal): Promise<void> {
  const answer = await send({
    method: 'POST',
    url: `${jobUrl}/cancel?api-version=${jobsApiVersion}`,
    timeoutMs: 30_000,
    signal
  })
  if (answer.status !== 200 && answer.status !== 202) throw new Error(describeAnswer(answer))
}
