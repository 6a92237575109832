import { randomUUID } from 'node:crypto'
import { allowedAudiences, authenticate } from './arm-auth.js'
import {
  armErrorReply,
  authorizationFailed,
  invalidApiVersion,
  jobNotFound,
  missingApiVersion,
  operationNotFound,
  resourceGroupNotFound,
  subscriptionNotFound,
  unsupportedApiVersion,
  workspaceNotFound,
  type ArmProblem
} from './arm-errors.js'
import { dataContainerResource, dataNotFound, dataVersionResource, type DataAsset } from './arm-data.js'
import { armJobResource } from './arm-job.js'
import type { BatchEndpoint } from './batch-endpoint.js'
import type { BatchJob } from './batch-job.js'
import { jsonReply, originOf, type RecordedRequest, type Reply, type Route } from './exchange.js'
import { cancellationStatuses } from './job-statuses.js'
import type { IssuedToken, TokenStore } from './tokens.js'

export interface ResourceManagerOptions {
  /** The audience management tokens must carry: https://management.azure.com on the public cloud. */
  armAudience?: string
  /** Data assets registered in the workspace, each with its versions oldest first. */
  dataAssets?: DataAsset[]
}

/** The api-versions the fake's Jobs API serves. */
export const armApiVersions: readonly string[] = ['2025-12-01']

// The region operation URLs name; nothing else in the fake needs one.
const region = 'eastus2'

// ARM matches the fixed words of a path in any case; the names in it are compared case-insensitively too, except the
// job's, which the spec calls case-sensitive.
const workspacePath =
  String.raw`^/subscriptions/(?<subscription>[^/]+)/resourceGroups/(?<resourceGroup>[^/]+)` +
  String.raw`/providers/Microsoft\.MachineLearningServices/workspaces/(?<workspace>[^/]+)`
const jobPath = new RegExp(String.raw`${workspacePath}/jobs/(?<job>[^/]+)$`, 'i')
const cancelPath = new RegExp(String.raw`${workspacePath}/jobs/(?<job>[^/]+)/cancel$`, 'i')
const dataPath = new RegExp(String.raw`${workspacePath}/data/(?<name>[^/]+)$`, 'i')
const dataVersionPath = new RegExp(String.raw`${workspacePath}/data/(?<name>[^/]+)/versions/(?<version>[^/]+)$`, 'i')
const operationPath = new RegExp(
  String.raw`^/subscriptions/(?<subscription>[^/]+)/providers/Microsoft\.MachineLearningServices` +
    String.raw`/locations/(?<region>[^/]+)/mfeOperationResults/(?<operation>[^/]+)$`,
  'i'
)

type Admitted = { token: IssuedToken; headers: Record<string, string> }

/** Azure Resource Manager's Jobs API over the jobs of the fake's batch endpoint: read a job, cancel it. */
export class ResourceManager {
  readonly audiences: readonly string[]
  private readonly tokens: TokenStore
  private readonly endpoint: BatchEndpoint
  // Names the workspace in operation ids, as Azure ML's operation URLs do.
  private readonly workspaceId = randomUUID()
  // ARM's per-subscription budgets, reported on every answer to an authenticated request.
  private readsLeft = 12000
  private writesLeft = 1200

  readonly routes: Route[] = [
    { name: 'armGetJob', method: 'GET', path: jobPath, handle: (r, params) => this.getJob(r, params) },
    { name: 'armCancelJob', method: 'POST', path: cancelPath, handle: (r, params) => this.cancelJob(r, params) },
    { name: 'armOperationResult', method: 'GET', path: operationPath, handle: (r, p) => this.operationResult(r, p) },
    { name: 'armGetData', method: 'GET', path: dataPath, handle: (r, p) => this.getData(r, p) },
    { name: 'armGetDataVersion', method: 'GET', path: dataVersionPath, handle: (r, p) => this.getData(r, p) }
  ]
  readonly dataAssets: DataAsset[]

  constructor(tokens: TokenStore, endpoint: BatchEndpoint, options: ResourceManagerOptions = {}) {
    this.tokens = tokens
    this.endpoint = endpoint
    this.audiences = allowedAudiences(options.armAudience ?? 'https://management.azure.com')
    this.dataAssets = options.dataAssets ?? []
  }

  // A data container (its latestVersion) or one version of it.
  private getData(request: RecordedRequest, params: Record<string, string>): Reply {
    const admitted = this.admit(request, params)
    if ('status' in admitted) return admitted
    const name = decoded(params['name'])
    const asset = this.dataAssets.find(a => a.name === name)
    if (!asset) return this.refuse(request, dataNotFound(name), admitted.headers)
    const ws = this.endpoint.workspace
    if (params['version'] === undefined) return jsonReply(200, dataContainerResource(asset, ws), admitted.headers)
    const version = asset.versions.find(v => v.version === decoded(params['version']))
    if (!version) return this.refuse(request, dataNotFound(name, decoded(params['version'])), admitted.headers)
    return jsonReply(200, dataVersionResource(asset, version, ws), admitted.headers)
  }

  private getJob(request: RecordedRequest, params: Record<string, string>): Reply {
    const found = this.findJob(request, params, 'read')
    if ('status' in found) return found
    const status = found.job.statuses.read()
    return jsonReply(
      200,
      armJobResource(found.job, status, this.endpoint.workspace, this.endpoint.studioUrl),
      found.headers
    )
  }

  // Jobs_Cancel is a long-running operation (final-state-via: location): 202 with Location and Retry-After, no body.
  // A job that has already finished stays as it was; the request is still accepted, and counted.
  private cancelJob(request: RecordedRequest, params: Record<string, string>): Reply {
    const found = this.findJob(request, params, 'cancel/action')
    if ('status' in found) return found
    const { job, headers } = found
    job.cancelRequests++
    if (!job.statuses.terminal) job.statuses.replace(cancellationStatuses)
    const ws = this.endpoint.workspace
    const location =
      `${originOf(request)}/subscriptions/${ws.subscriptionId}/providers/Microsoft.MachineLearningServices` +
      `/locations/${region}/mfeOperationResults/jc:${this.workspaceId}:${job.name}?api-version=${armApiVersions[0]}`
    return { status: 202, headers: { ...headers, location, 'retry-after': '10' }, body: '' }
  }

  // The cancel operation is done once the request is recorded; the job reports its own progress to reads of the job.
  private operationResult(request: RecordedRequest, params: Record<string, string>): Reply {
    const admitted = this.admit(request, params)
    if ('status' in admitted) return admitted
    const operation = decoded(params['operation'])
    const [kind, workspaceId, jobName] = operation.split(':')
    const known = kind === 'jc' && workspaceId === this.workspaceId && this.endpoint.jobNamed(jobName ?? '')
    if (!known) return this.refuse(request, operationNotFound(operation), admitted.headers)
    return { status: 200, headers: admitted.headers, body: '' }
  }

  /** The job a request addresses, after ARM's checks and then Azure ML's, in the order they make them. */
  private findJob(
    request: RecordedRequest,
    params: Record<string, string>,
    action: 'read' | 'cancel/action'
  ): (Admitted & { job: BatchJob }) | Reply {
    const admitted = this.admit(request, params)
    if ('status' in admitted) return admitted
    const { token, headers } = admitted
    const ws = this.endpoint.workspace
    const [subscription, resourceGroup, workspace, name] = ['subscription', 'resourceGroup', 'workspace', 'job'].map(
      key => decoded(params[key])
    ) as [string, string, string, string]
    let problem: ArmProblem | undefined
    if (this.endpoint.denyClients.has(token.clientId.toLowerCase())) {
      // ARM checks the role before it looks for the resource, so a caller without one learns nothing of what exists.
      const scope =
        `/subscriptions/${subscription}/resourceGroups/${resourceGroup}` +
        `/providers/Microsoft.MachineLearningServices/workspaces/${workspace}/jobs/${name}`
      const operation = `Microsoft.MachineLearningServices/workspaces/jobs/${action}`
      problem = authorizationFailed(token.clientId, token.objectId, operation, scope)
    } else if (!sameName(resourceGroup, ws.resourceGroup)) problem = resourceGroupNotFound(resourceGroup)
    else if (!sameName(workspace, ws.workspace)) problem = workspaceNotFound(workspace, resourceGroup)
    if (problem) return this.refuse(request, problem, headers)
    const job = this.endpoint.jobNamed(name)
    if (!job) return this.refuse(request, jobNotFound(name), headers)
    return { token, headers, job }
  }

  /** ARM's own checks, before it routes to the resource provider: token, api-version, subscription. */
  private admit(request: RecordedRequest, params: Record<string, string>): Admitted | Reply {
    const headers = this.headers(request)
    const token = authenticate(request, this.tokens, this.audiences)
    if (!('accessToken' in token)) return this.refuse(request, token, headers)
    if (request.method === 'GET') headers['x-ms-ratelimit-remaining-subscription-reads'] = String(--this.readsLeft)
    else headers['x-ms-ratelimit-remaining-subscription-writes'] = String(--this.writesLeft)

    const apiVersion = new URL(request.path, originOf(request)).searchParams.get('api-version')
    const subscription = decoded(params['subscription'])
    let problem: ArmProblem | undefined
    if (!apiVersion) problem = missingApiVersion()
    else if (!armApiVersions.includes(apiVersion)) {
      // A date ARM does not know for this resource type is a routing failure; anything else is not a version at all.
      problem = /^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)
        ? unsupportedApiVersion(apiVersion, armApiVersions, region)
        : invalidApiVersion(apiVersion, armApiVersions)
    } else if (!sameName(subscription, this.endpoint.workspace.subscriptionId)) {
      problem = subscriptionNotFound(subscription)
    }
    return problem ? this.refuse(request, problem, headers) : { token, headers }
  }

  private refuse(request: RecordedRequest, problem: ArmProblem, headers: Record<string, string>): Reply {
    // ARM points at login.windows.net; the fake's Entra is at its own origin.
    return armErrorReply(problem, `${originOf(request)}/`, headers)
  }

  /** The headers ARM puts on every answer; it echoes the client's correlation id, or makes one up. */
  private headers(request: RecordedRequest): Record<string, string> {
    const correlation = request.headers['x-ms-correlation-request-id'] ?? randomUUID()
    const when = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)
    return {
      'cache-control': 'no-cache',
      pragma: 'no-cache',
      expires: '-1',
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': correlation,
      'x-ms-routing-request-id': `${region.toUpperCase()}:${when}Z:${correlation}`
    }
  }
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

// Path segments arrive percent-encoded; one that does not decode is compared as sent, and so matches nothing.
function decoded(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '')
  } catch {
    return segment ?? ''
  }
}
