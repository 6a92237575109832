import type { Settings } from '../settings.js'
import type { JobDefinition, JobInput } from './job-definition.js'

export interface JobSubmission {
  scoringUri: string
  headers: Record<string, string>
  body: string
}

/**
 * The tag that carries a submission's repeatability id onto its job, so that Resource Manager can find the job of a
 * submission whose answer never came, without sending it again.
 */
export const submissionTag = 'github.repeatability_request_id'

/**
 * The invoke request as the batch endpoint documents it. `repeatabilityRequestId` is fixed per submission and sent
 * on every retry: the service then returns the job it already created instead of starting a second one.
 * `provenanceTags` go under the user's tags, which win on a clash; the submission's own tag wins over both.
 */
export function buildSubmission(
  settings: Settings,
  repeatabilityRequestId: string,
  provenanceTags: Record<string, string> = {}
): JobSubmission {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'repeatability_request-id': repeatabilityRequestId
  }
  if (settings.deploymentName) headers['azureml-model-deployment'] = settings.deploymentName
  const body = {
    properties: jobProperties(settings.job, {
      ...provenanceTags,
      ...settings.job.tags,
      [submissionTag]: repeatabilityRequestId
    })
  }
  return { scoringUri: settings.scoringUri, headers, body: JSON.stringify(body) }
}

// Keys as protocol.md gives them: the documented PascalCase for inputs and outputs, the SDK's camelCase for the
// rest. Settings not given are left out, so the deployment's own defaults apply.
function jobProperties(job: JobDefinition, tags: Record<string, string>): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    InputData: Object.fromEntries(job.inputs.map(input => [input.name, inputData(input)]))
  }
  if (job.output) {
    properties['OutputData'] = { [job.output.name]: { JobOutputType: job.output.type, Uri: job.output.uri } }
  }
  if (job.outputFileName !== undefined) properties['outputFileName'] = job.outputFileName
  if (job.miniBatchSize !== undefined) properties['miniBatchSize'] = job.miniBatchSize
  if (job.instanceCount !== undefined) properties['compute'] = { instanceCount: job.instanceCount }
  if (job.errorThreshold !== undefined) properties['errorThreshold'] = job.errorThreshold
  if (job.maxRetries !== undefined || job.retryTimeoutSeconds !== undefined) {
    properties['retrySettings'] = {
      ...(job.maxRetries !== undefined ? { maxRetries: job.maxRetries } : {}),
      ...(job.retryTimeoutSeconds !== undefined ? { timeout: `PT${job.retryTimeoutSeconds}S` } : {})
    }
  }
  if (job.loggingLevel !== undefined) properties['loggingLevel'] = job.loggingLevel
  if (job.displayName !== undefined) properties['name'] = job.displayName
  if (job.experimentName !== undefined) properties['properties'] = { experimentName: job.experimentName }
  if (Object.keys(tags).length > 0) properties['tags'] = tags
  return properties
}

function inputData(input: JobInput): Record<string, string> {
  if (input.kind === 'literal') return { JobInputType: 'Literal', Value: input.value }
  // A data asset short name still unresolved here has no type of its own yet: a folder, as the CLI assumes.
  return { JobInputType: input.type ?? 'UriFolder', Uri: input.uri }
}
