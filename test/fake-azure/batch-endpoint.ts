import { randomUUID } from 'node:crypto'
import { endpointArmId, jobArmId, jobResource, type BatchJob, type Workspace } from './batch-job.js'
import { randomDisplayName } from './display-names.js'
import type { JobStorage } from './job-storage.js'
import { jsonReply, type RecordedRequest, type Reply, type Route } from './exchange.js'
import { parseJobRequest, type JobRequest } from './job-request.js'
import { checkJobStatusScript, defaultJobStatuses, JobStatuses, type JobStatusScript } from './job-statuses.js'
import type { IssuedToken, TokenStore } from './tokens.js'

export interface BatchEndpointOptions extends Partial<Workspace> {
  /** The deployment that takes jobs sent without `azureml-model-deployment`; null for an endpoint without one. */
  defaultDeployment?: string | null
  deployments?: string[]
  /** Client ids whose service principal has no role on the workspace: they get 403. */
  denyClients?: string[]
  studioUrl?: string
  /** The audience data-plane tokens must carry (https://ml.azure.com on the public cloud). */
  audience?: string
  /** The status script of each new job; ['Preparing', 'Running', 'Completed'] when not given. */
  jobStatuses?: JobStatusScript
  /** Deployments of a pipeline component, whose outputs are the component's; the others deploy a model. */
  pipelineDeployments?: string[]
}

/**
 * Parts of the next submission answers to replace with what a test chooses, as a compromised or broken endpoint (or
 * something in between) could send: the job is still created, under its real name, but the answer says otherwise.
 */
export interface CraftedAnswer {
  name?: unknown
  id?: unknown
  status?: unknown
  studio?: unknown
}

const jobsWrite = 'Microsoft.MachineLearningServices/workspaces/batchEndpoints/jobs/write'

/** The data plane of one batch endpoint: `POST <scoring uri>` (…/jobs) starts a job. */
export class BatchEndpoint {
  readonly jobs: BatchJob[] = []
  readonly workspace: Workspace
  readonly defaultDeployment: string | null
  readonly deployments: string[]
  readonly denyClients: Set<string>
  readonly studioUrl: string
  readonly audience: string
  readonly pipelineDeployments: Set<string>
  /** Where jobs leave their outputs and logs; none unless a scenario with a blob service plugs one in. */
  jobStorage: JobStorage | undefined
  private readonly tokens: TokenStore
  private jobStatuses: JobStatusScript
  private crafted: CraftedAnswer | undefined

  readonly routes: Route[] = [
    { name: 'submit', method: 'POST', path: /^\/jobs$/, handle: request => this.submit(request) }
  ]

  constructor(tokens: TokenStore, options: BatchEndpointOptions = {}) {
    this.tokens = tokens
    this.workspace = {
      subscriptionId: options.subscriptionId ?? '8d4bd2f5-7e3a-4c61-9b0e-3f1a6c2d9e47',
      resourceGroup: options.resourceGroup ?? 'rg-scoring',
      workspace: options.workspace ?? 'mlw-scoring',
      endpointName: options.endpointName ?? 'score-batch'
    }
    this.defaultDeployment = options.defaultDeployment === undefined ? 'blue' : options.defaultDeployment
    const deployments = options.deployments ?? ['blue']
    this.deployments =
      this.defaultDeployment === null || deployments.includes(this.defaultDeployment)
        ? deployments
        : [...deployments, this.defaultDeployment]
    this.denyClients = new Set((options.denyClients ?? []).map(id => id.toLowerCase()))
    this.studioUrl = (options.studioUrl ?? 'https://ml.azure.com').replace(/\/+$/, '')
    this.audience = options.audience ?? 'https://ml.azure.com'
    this.pipelineDeployments = new Set(options.pipelineDeployments ?? [])
    // Checked here, so that a script a test got wrong fails where the test set it up, not at the first submission.
    this.jobStatuses = checkJobStatusScript(options.jobStatuses ?? defaultJobStatuses)
  }

  jobNamed(name: string): BatchJob | undefined {
    return this.jobs.find(j => j.name === name)
  }

  /** The script of jobs created from now on or, given a job's name, the rest of that job's script. */
  setJobStatuses(statuses: JobStatusScript, jobName?: string): void {
    if (jobName === undefined) {
      this.jobStatuses = checkJobStatusScript(statuses)
      return
    }
    const job = this.jobNamed(jobName)
    if (!job) throw new Error(`The fake batch endpoint has no job named '${jobName}'.`)
    job.statuses.replace(statuses)
  }

  /** Every submission answer from now on carries these parts as given. */
  craftAnswers(crafted: CraftedAnswer): void {
    this.crafted = crafted
  }

  // The checks run in the order the service makes them: token, role, routing, body; only then is a job created.
  private submit(request: RecordedRequest): Reply {
    const requested = request.headers['azureml-model-deployment']
    const deployment = requested ?? this.defaultDeployment ?? undefined
    // Like the service, name the deployment the request was routed to on every answer that has one.
    const routed = deployment !== undefined && this.deployments.includes(deployment) ? deployment : undefined
    const headers: Record<string, string> = routed ? { 'azureml-model-deployment': routed } : {}

    const token = this.authenticate(request, headers)
    if ('status' in token) return token
    if (this.denyClients.has(token.clientId.toLowerCase())) {
      return mlError(403, 'AuthorizationFailed', this.denied(token), headers)
    }
    if (deployment === undefined) {
      const message =
        'No valid deployments to route to. Please check that the endpoint has at least one deployment with positive ' +
        'weight values or use a deployment specific header to route.'
      return mlError(400, 'UserError', message, headers)
    }
    if (routed === undefined) {
      const message = `Deployment '${deployment}' was not found in batch endpoint '${this.workspace.endpointName}'.`
      return mlError(404, 'UserError', message, headers)
    }
    const parsed = parseJobRequest(request.body)
    if ('error' in parsed) return mlError(400, 'UserError', parsed.error, headers)
    const outputProblem = this.pipelineDeployments.has(routed) ? undefined : modelOutputProblem(parsed.request)
    if (outputProblem) return mlError(400, 'UserError', outputProblem, headers)

    // A retried submission carries the same repeatability id: answer with the job the first attempt created.
    const repeatabilityRequestId = request.headers['repeatability_request-id']
    const earlier = repeatabilityRequestId && this.jobs.find(j => j.repeatabilityRequestId === repeatabilityRequestId)
    if (earlier) return this.created(earlier)

    const name = `batchjob-${randomUUID()}`
    const displayName = parsed.request.properties['name']
    const job: BatchJob = {
      name,
      id: jobArmId(this.workspace, routed, name),
      displayName: typeof displayName === 'string' && displayName !== '' ? displayName : randomDisplayName(),
      deployment: routed,
      clientId: token.clientId,
      repeatabilityRequestId,
      request: parsed.request,
      // A new job reports Preparing, as the service's answer to a submission does, until its script says otherwise.
      statuses: new JobStatuses(this.jobStatuses, 'Preparing'),
      cancelRequests: 0,
      createdAt: Date.now()
    }
    this.jobs.push(job)
    return this.created(job)
  }

  private created(job: BatchJob): Reply {
    const resource = jobResource(job, this.workspace, this.studioUrl)
    if (this.crafted) craft(resource, this.crafted)
    return jsonReply(201, resource, {
      'azureml-model-deployment': job.deployment
    })
  }

  /** The token the request carries, or the 401 the service answers when it is missing, unknown, expired or for another audience. */
  private authenticate(request: RecordedRequest, headers: Record<string, string>): IssuedToken | Reply {
    const unauthorized = (message: string, challenge: string): Reply =>
      mlError(401, 'Unauthorized', message, { ...headers, 'www-authenticate': challenge })
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers['authorization'] ?? '')
    if (!match?.[1]) return unauthorized('No access token was provided in the Authorization header.', 'Bearer')
    const token = this.tokens.find(match[1])
    if (!token) {
      return unauthorized(
        'The access token is invalid.',
        'Bearer error="invalid_token", error_description="The access token is invalid"'
      )
    }
    if (token.expiresAt <= Date.now()) {
      const expired = new Date(token.expiresAt).toISOString()
      return unauthorized(
        `The access token expired at '${expired}'.`,
        `Bearer error="invalid_token", error_description="The token expired at '${expired}'"`
      )
    }
    if (token.audience !== this.audience) {
      return unauthorized(
        `The access token has audience '${token.audience}'; this endpoint accepts '${this.audience}'.`,
        `Bearer error="invalid_token", error_description="The audience '${token.audience}' is invalid"`
      )
    }
    return token
  }

  private denied(token: IssuedToken): string {
    return (
      `The client '${token.clientId}' with object id '${token.objectId}' does not have authorization to perform ` +
      `action '${jobsWrite}' over scope '${endpointArmId(this.workspace)}' or the scope is invalid. ` +
      'If access was recently granted, please refresh your credentials.'
    )
  }
}

function craft(resource: Record<string, unknown>, crafted: CraftedAnswer): void {
  const properties = resource['properties'] as Record<string, unknown>
  const endpoints = properties['interactionEndpoints'] as Record<string, Record<string, unknown>>
  if ('name' in crafted) resource['name'] = crafted.name
  if ('id' in crafted) resource['id'] = crafted.id
  if ('status' in crafted) properties['status'] = crafted.status
  if ('studio' in crafted && endpoints['Studio']) endpoints['Studio']['endpoint'] = crafted.studio
}

/**
 * A model deployment writes one file of predictions: it refuses any other output type, in the words of its request
 * validation (MicrosoftDocs/azure-docs issue 118447).
 */
function modelOutputProblem(request: JobRequest): string | undefined {
  const outputs = Object.values(request.outputData)
  const index = outputs.findIndex(output => output.jobOutputType !== 'UriFile')
  const output = outputs[index]
  if (!output) return undefined
  const errors = [
    {
      PropertyName: `OutputData.Values[${index}].JobOutputType`,
      ErrorMessage: "Job output type must be 'uri_file'.",
      AttemptedValue: output.jobOutputType === 'UriFolder' ? 'uri_folder' : output.jobOutputType,
      ErrorCode: 'PredicateValidator'
    }
  ]
  return (
    'The Job request provided has the following validation errors. Please resolve them and try again.\nErrors:\n' +
    JSON.stringify(errors, null, 2)
  )
}

/** The error body Azure ML services answer with: `{"error": {"code", "message", "details"}}`. */
function mlError(status: number, code: string, message: string, headers: Record<string, string>): Reply {
  return jsonReply(status, { error: { code, message, details: [] } }, headers)
}
