import {
  jobProperties,
  jobTags,
  studioEndpoint,
  trackingEndpoint,
  workspaceArmId,
  type BatchJob,
  type Workspace
} from './batch-job.js'
import type { JobInput } from './job-request.js'

// The same job as Resource Manager's Jobs API sees it: a JobBase resource of jobType Pipeline (a batch job runs as a
// pipeline job). Field names follow Jobs_Get in the 2025-12-01 REST spec (examples/Job/PipelineJob/get.json) and the
// order and nulls of a recorded answer (azure-ai-ml tests/recordings/pipeline_job, test_pipeline_job_get_child_run).

const armJobType = 'Microsoft.MachineLearningServices/workspaces/jobs'

/** The job's id under the workspace, which is where ARM's Jobs API addresses it. */
export function workspaceJobArmId(ws: Workspace, name: string): string {
  return `${workspaceArmId(ws)}/jobs/${name}`
}

export function armJobResource(
  job: BatchJob,
  status: string,
  ws: Workspace,
  studioUrl: string
): Record<string, unknown> {
  return {
    id: workspaceJobArmId(ws, job.name),
    name: job.name,
    type: armJobType,
    properties: {
      description: job.request.properties['description'] ?? null,
      tags: jobTags(job),
      properties: jobProperties,
      displayName: job.displayName,
      status,
      // Azure ML files batch jobs under an experiment named after their endpoint.
      experimentName: ws.endpointName,
      services: {
        Tracking: jobService('Tracking', trackingEndpoint(ws)),
        Studio: jobService('Studio', studioEndpoint(job, ws, studioUrl))
      },
      // The fake does not model the deployment's compute cluster.
      computeId: null,
      isArchived: false,
      identity: null,
      componentId: null,
      jobType: 'Pipeline',
      settings: {},
      jobs: {},
      inputs: Object.fromEntries(
        Object.entries(job.request.inputData).map(([name, input]) => [name, pipelineInput(input)])
      ),
      outputs: Object.fromEntries(
        Object.entries(job.request.outputData).map(([name, output]) => [
          name,
          {
            description: null,
            uri: output.uri,
            assetName: null,
            assetVersion: null,
            mode: 'ReadWriteMount',
            jobOutputType: snakeCase(output.jobOutputType)
          }
        ])
      ),
      sourceJobId: null
    },
    systemData: {
      createdAt: new Date(job.createdAt).toISOString(),
      createdBy: job.clientId,
      createdByType: 'Application'
    }
  }
}

function jobService(type: string, endpoint: string): Record<string, unknown> {
  return { jobServiceType: type, port: null, endpoint, status: null, errorMessage: null, properties: null, nodes: null }
}

// Pipeline jobs spell input and output types in snake case (uri_folder, literal) where batch jobs use PascalCase.
function pipelineInput(input: JobInput): Record<string, unknown> {
  const jobInputType = snakeCase(input.jobInputType)
  return input.uri === undefined
    ? { description: null, jobInputType, value: input.value }
    : { description: null, uri: input.uri, mode: 'ReadOnlyMount', jobInputType }
}

function snakeCase(pascal: string): string {
  return pascal.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toLowerCase()
}
