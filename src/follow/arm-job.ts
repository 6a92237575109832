import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { describeAnswer } from '../azure/service-errors.js'

// The job as Azure Resource Manager knows it: read its status, cancel it.
export const jobsApiVersion = '2025-12-01'

const workspaceOfJob =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+)\//i

/**
 * The job's ARM URL. The endpoint answers with the job's id under its batch deployment; ARM serves the same job
 * under the workspace: `.../workspaces/{ws}/jobs/{name}`.
 */
export function armJobUrl(resourceManager: string, jobResourceId: string, jobName: string): string {
  const workspace = workspaceOfJob.exec(jobResourceId)?.[1]
  if (!workspace) throw new Error(`Cannot follow the job: its id '${jobResourceId}' names no Azure ML workspace.`)
  return `${resourceManager}${workspace}/jobs/${encodeURIComponent(jobName)}`
}

export type StatusRead =
  | { status: string; studioUrl: string | undefined }
  | { error: string; permanent: boolean; retryAfterMs?: number; notFound?: boolean }

/**
 * One status read. A failed read is reported, not thrown: a status that could not be read is not a failed job.
 * Only refusals that waiting cannot cure (no access, a bad request) are marked permanent.
 */
export async function readJobStatus(send: SendAzureRequest, jobUrl: string, signal?: AbortSignal): Promise<StatusRead> {
  let answer
  try {
    answer = await send({ method: 'GET', url: `${jobUrl}?api-version=${jobsApiVersion}`, timeoutMs: 30_000, signal })
  } catch (error) {
    if (signal?.aborted) throw error
    return { error: error instanceof Error ? error.message : String(error), permanent: false }
  }
  if (answer.status === 200) {
    const job = JSON.parse(answer.bodyText) as {
      properties?: { status?: unknown; services?: { Studio?: { endpoint?: unknown } } }
    }
    const status = job.properties?.status
    const studio = job.properties?.services?.Studio?.endpoint
    if (typeof status === 'string') return { status, studioUrl: typeof studio === 'string' ? studio : undefined }
    return { error: 'Azure Resource Manager answered without a job status', permanent: false }
  }
  const retryAfter = Number(answer.headers['retry-after'])
  return {
    error: describeAnswer(answer),
    permanent: [400, 401, 403].includes(answer.status),
    ...(answer.status === 404 ? { notFound: true } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {})
  }
}

/** Asks ARM to cancel the job; ARM accepts with 202 (or 200) and the job moves to CancelRequested. */
export async function cancelJob(send: SendAzureRequest, jobUrl: string): Promise<void> {
  const answer = await send({
    method: 'POST',
    url: `${jobUrl}/cancel?api-version=${jobsApiVersion}`,
    timeoutMs: 30_000
  })
  if (answer.status !== 200 && answer.status !== 202) throw new Error(describeAnswer(answer))
}
