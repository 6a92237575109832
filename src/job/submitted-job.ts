import { excerpt, logSafe } from '../untrusted-text.js'
import { parseWorkspaceId } from '../workspace-id.js'

// The name is put into Resource Manager paths (status reads, the cancel) and the id is where the workspace is read
// from, so an answer is used only when both have the shape the service gives them: a name as ARM names Azure ML
// resources, and an id inside a workspace that ends in that name, each of its parts in the characters ARM gives it.
const jobName = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/
const jobBelowWorkspace = /^\/(?:[\w-]+\/)*jobs\/([\w-]+)$/i

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
  if (!jobName.test(job.name)) {
    throw new Error(
      `The endpoint accepted the request but answered with a job name that is not one ('${logSafe(job.name, 300)}'): ` +
        "a job name has letters, digits, - and _. Check that endpoint-uri is the batch endpoint's scoring URI."
    )
  }
  const idName = jobNameInId(job.id)
  if (idName?.toLowerCase() !== job.name.toLowerCase()) {
    throw new Error(
      `The endpoint accepted the request but answered with a job id that does not name job ${job.name} in a ` +
        `workspace ('${logSafe(job.id, 500)}'). Check that endpoint-uri is the batch endpoint's scoring URI.`
    )
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

/** The name a job's id ends in, when it is an id in a workspace and each of its parts has ARM's characters. */
function jobNameInId(id: string): string | undefined {
  const ids = parseWorkspaceId(id)
  const armShaped =
    ids !== undefined &&
    /^[\w-]+$/.test(ids.subscription) &&
    /^[\w.()-]+$/.test(ids.resourceGroup) &&
    /^[\w-]+$/.test(ids.name)
  return armShaped ? jobBelowWorkspace.exec(ids.below)?.[1] : undefined
}
