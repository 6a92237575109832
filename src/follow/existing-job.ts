import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { describeAnswer } from '../azure/service-errors.js'
import type { DataType, JobOutput } from '../job/job-definition.js'
import type { SubmittedJob } from '../job/submitted-job.js'
import { excerpt, logSafe } from '../untrusted-text.js'
import { jobsApiVersion } from './arm-job.js'

// job-id: a job submitted earlier (by this step in another run, or by anyone), read through Resource Manager so that
// the wait, the download and the failure's explanation work on it as on a job just submitted.

export interface ExistingJob {
  job: SubmittedJob
  /** When the job was created (systemData.createdAt), epoch ms: what its duration is counted from. */
  createdAt: number | undefined
  /** The job's outputs by name, as Resource Manager lists them. */
  outputs: Record<string, JobOutput>
}

/** The job named `jobId` in `workspace`; an error naming both when Resource Manager has none. */
export async function readExistingJob(
  arm: SendAzureRequest,
  resourceManager: string,
  workspace: string,
  jobId: string,
  signal?: AbortSignal
): Promise<ExistingJob> {
  const url = `${resourceManager}${workspace}/jobs/${encodeURIComponent(jobId)}?api-version=${jobsApiVersion}`
  const answer = await arm({ method: 'GET', url, timeoutMs: 30_000, signal })
  const shown = logSafe(jobId, 300)
  if (answer.status === 404) {
    throw new Error(
      `Job '${shown}' was not found in workspace ${logSafe(workspace)}. Check 'job-id' (the job-id output of the step ` +
        "that submitted it; job names are case-sensitive) and 'workspace'."
    )
  }
  if (answer.status === 403) {
    throw new Error(
      `Could not read job '${shown}': ${describeAnswer(answer)}. The signed-in identity needs ` +
        'Microsoft.MachineLearningServices/workspaces/jobs/read on the workspace, which the role "AzureML Data ' +
        'Scientist" has.'
    )
  }
  if (answer.status !== 200) throw new Error(`Could not read job '${shown}': ${describeAnswer(answer)}.`)
  return parseExistingJob(answer.bodyText, jobId, workspace)
}

interface ArmJob {
  id?: unknown
  name?: unknown
  properties?: {
    status?: unknown
    services?: { Studio?: { endpoint?: unknown } }
    outputs?: Record<string, { uri?: unknown; jobOutputType?: unknown } | null>
  }
  systemData?: { createdAt?: unknown }
}

/** Jobs_Get's answer, reduced to what following the job needs. Pure. */
export function parseExistingJob(bodyText: string, jobId: string, workspace: string): ExistingJob {
  let body: ArmJob | null
  try {
    body = JSON.parse(bodyText) as ArmJob | null
  } catch {
    body = null
  }
  const status = body?.properties?.status
  if (typeof status !== 'string') {
    throw new Error(
      `Azure Resource Manager answered the read of job '${logSafe(jobId, 300)}' with no job: ${excerpt(bodyText, 200)}`
    )
  }
  // The job is followed, cancelled and read under the name and workspace the inputs gave, whatever the answer says.
  const studio = body?.properties?.services?.Studio?.endpoint
  const created = Date.parse(String(body?.systemData?.createdAt ?? ''))
  const outputs: Record<string, JobOutput> = {}
  for (const [name, output] of Object.entries(body?.properties?.outputs ?? {})) {
    if (typeof output?.uri !== 'string' || output.uri === '') continue
    const type: DataType =
      String(output.jobOutputType).toLowerCase().replace('_', '') === 'urifile' ? 'UriFile' : 'UriFolder'
    outputs[name] = { name, type, uri: output.uri }
  }
  return {
    job: {
      name: jobId,
      id: `${workspace}/jobs/${jobId}`,
      status,
      studioUrl: typeof studio === 'string' ? studio : undefined,
      deployment: undefined
    },
    createdAt: Number.isFinite(created) ? created : undefined,
    outputs
  }
}
