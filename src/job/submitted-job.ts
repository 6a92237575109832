/** What the endpoint answers when it accepted a job, reduced to what later steps use. */
export interface SubmittedJob {
  /** The job's name, batchjob-<guid>: what `az ml job show --name` takes. */
  name: string
  /** The job's ARM id; subscription, resource group and workspace are read from it. */
  id: string
  status: string
  studioUrl: string | undefined
  /** The deployment that took the job, from the response header. */
  deployment: string | undefined
}

export function parseSubmittedJob(bodyText: string, deploymentHeader: string | undefined): SubmittedJob {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    throw new Error(`The endpoint accepted the request but its answer is not JSON: ${excerpt(bodyText)}`)
  }
  const job = body as {
    id?: unknown
    name?: unknown
    properties?: { status?: unknown; interactionEndpoints?: { Studio?: { endpoint?: unknown } } }
  }
  if (typeof job?.name !== 'string' || typeof job.id !== 'string') {
    throw new Error(`The endpoint accepted the request but its answer has no job name or id: ${excerpt(bodyText)}`)
  }
  const studio = job.properties?.interactionEndpoints?.Studio?.endpoint
  return {
    name: job.name,
    id: job.id,
    status: typeof job.properties?.status === 'string' ? job.properties.status : 'Unknown',
    studioUrl: typeof studio === 'string' ? studio : undefined,
    deployment: deploymentHeader || undefined
  }
}

export function excerpt(text: string, max = 500): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  if (oneLine === '') return '(empty body)'
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine
}
