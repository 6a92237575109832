import type { JobRequest } from './job-request.js'
import type { JobStatuses } from './job-statuses.js'

/** Where the batch endpoint lives; ARM ids and studio links are built from it. */
export interface Workspace {
  subscriptionId: string
  resourceGroup: string
  workspace: string
  endpointName: string
}

/** A job the fake's batch endpoint accepted. */
export interface BatchJob {
  /** The job's identifier: `batchjob-<guid>`. */
  name: string
  /** The job's ARM id under the endpoint's deployment, as the submit response gives it. */
  id: string
  /** The random display name (`properties.name`), which is not an identifier. */
  displayName: string
  deployment: string
  clientId: string
  /** The submission's `repeatability_request-id`; undefined when the client sent none. */
  repeatabilityRequestId: string | undefined
  request: JobRequest
  /** Where the job is in its status script; the batch endpoint and Resource Manager both read it from here. */
  statuses: JobStatuses
  /** How many times Resource Manager was asked to cancel the job, terminal or not. */
  cancelRequests: number
  createdAt: number
  /** Set once the job's outputs were written on its completion. */
  outputsWritten?: boolean
}

const jobType = 'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments/jobs'

export function workspaceArmId(ws: Workspace): string {
  return (
    `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}`
  )
}

export function endpointArmId(ws: Workspace): string {
  return `${workspaceArmId(ws)}/batchEndpoints/${ws.endpointName}`
}

export function jobArmId(ws: Workspace, deployment: string, name: string): string {
  return `${endpointArmId(ws)}/deployments/${deployment}/jobs/${name}`
}

/**
 * The job resource the endpoint answers a submission with, shaped like the service's recorded answers (azure-ai-ml
 * test recordings): inputs echoed back in camelCase whatever case they were sent in, the display name in
 * `properties.name`, the studio link under `interactionEndpoints.Studio`.
 */
export function jobResource(job: BatchJob, ws: Workspace, studioUrl: string): Record<string, unknown> {
  const created = new Date(job.createdAt).toISOString()
  const outputs = Object.entries(job.request.outputData)
  return {
    id: job.id,
    name: job.name,
    type: jobType,
    properties: {
      provisioningState: 'Succeeded',
      description: job.request.properties['description'] ?? null,
      inputData: Object.fromEntries(
        Object.entries(job.request.inputData).map(([name, input]) => [
          name,
          input.jobInputType === 'Literal'
            ? { description: null, value: input.value, jobInputType: input.jobInputType }
            : { description: null, uri: input.uri, mode: 'ReadOnlyMount', jobInputType: input.jobInputType }
        ])
      ),
      ...(outputs.length > 0 && {
        outputData: Object.fromEntries(
          outputs.map(([name, output]) => [
            name,
            { description: null, uri: output.uri, mode: 'ReadWriteMount', jobOutputType: output.jobOutputType }
          ])
        )
      }),
      status: job.statuses.current,
      interactionEndpoints: {
        Tracking: { jobEndpointType: 'Tracking', port: null, endpoint: trackingEndpoint(ws), properties: null },
        Studio: {
          jobEndpointType: 'Studio',
          port: null,
          endpoint: studioEndpoint(job, ws, studioUrl),
          properties: null
        }
      },
      tags: jobTags(job),
      properties: jobProperties,
      name: job.displayName
    },
    systemData: { createdAt: created, createdBy: job.clientId, createdByType: 'Application', lastModifiedAt: created }
  }
}

// The batch endpoint and Resource Manager describe the same job; these parts are the same in both answers.

/** The job's page in Azure ML studio. */
export function studioEndpoint(job: BatchJob, ws: Workspace, studioUrl: string): string {
  const wsid = `/subscriptions/${ws.subscriptionId}/resourcegroups/${ws.resourceGroup}/workspaces/${ws.workspace}`
  return `${studioUrl}/runs/${job.name}?wsid=${wsid}`
}

export function trackingEndpoint(ws: Workspace): string {
  return `azureml://fake.api.azureml.ms/mlflow/v1.0${workspaceArmId(ws)}?`
}

/** The tags the submission sent, plus the ones the service adds to every batch job. */
export function jobTags(job: BatchJob): Record<string, string> {
  const sent = job.request.properties['tags']
  return {
    ...(isStringMap(sent) ? sent : {}),
    'azureml.batchrun': 'true',
    'azureml.deploymentname': job.deployment,
    'azureml.jobtype': 'azureml.batchjob'
  }
}

export const jobProperties: Record<string, string> = { runType: 'HTTP', 'azureml.runsource': 'azureml.PipelineRun' }

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every(v => typeof v === 'string')
}
