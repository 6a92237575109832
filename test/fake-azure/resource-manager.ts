import { randomUUID } from 'node:crypto'
import { allowedAudiences } from './arm-auth.js'
import { jobNotFound, operationNotFound } from './arm-errors.js'
import { dataContainerResource, dataNotFound, dataVersionResource, type DataAsset } from './arm-data.js'
import {
  datastoreNotFound,
  datastoreResource,
  datastoreSecrets,
  datastoreWithoutSecrets,
  defaultDatastores,
  type Datastore
} from './arm-datastores.js'
import { ArmBatchEndpoints, type ArmBatchEndpointOptions } from './arm-batch-endpoints.js'
import { ArmGate, armApiVersions, armRegion, decoded, sameName, type Admitted } from './arm-gate.js'
import { armJobResource } from './arm-job.js'
import type { BatchEndpoint } from './batch-endpoint.js'
import { jobTags, workspaceArmId, type BatchJob } from './batch-job.js'
import { defaultApiHost } from './run-history.js'
import { jsonReply, originOf, type RecordedRequest, type Reply, type Route } from './exchange.js'
import { cancellationStatuses } from './job-statuses.js'
import type { TokenStore } from './tokens.js'

export interface ResourceManagerOptions extends ArmBatchEndpointOptions {
  /** The audience management tokens must carry: https://management.azure.com on the public cloud. */
  armAudience?: string
  /** Data assets registered in the workspace, each with its versions oldest first. */
  dataAssets?: DataAsset[]
  /** The workspace's datastores: workspaceblobstore on Azurite's development account when not given. */
  datastores?: Datastore[]
  /** Client ids that may read datastores but not list their secrets (no datastores/listsecrets/action). */
  denyListSecrets?: string[]
  /** The workspace's discoveryUrl: https://eastus2.api.azureml.ms/discovery when not given. */
  discoveryUrl?: string
  /** Jobs_List's page size: 20 when not given. */
  jobsPageSize?: number
  /** How long a new job stays out of Jobs_List, as an index catches up with a job just created: 0 when not given. */
  jobsListLagMs?: number
}

// ARM matches the fixed words of a path in any case; the names in it are compared case-insensitively too, except the
// job's, which the spec calls case-sensitive.
const workspacePath =
  String.raw`^/subscriptions/(?<subscription>[^/]+)/resourceGroups/(?<resourceGroup>[^/]+)` +
  String.raw`/providers/Microsoft\.MachineLearningServices/workspaces/(?<workspace>[^/]+)`
const workspaceOnlyPath = new RegExp(String.raw`${workspacePath}$`, 'i')
const jobsPath = new RegExp(String.raw`${workspacePath}/jobs$`, 'i')
const jobPath = new RegExp(String.raw`${workspacePath}/jobs/(?<job>[^/]+)$`, 'i')
const cancelPath = new RegExp(String.raw`${workspacePath}/jobs/(?<job>[^/]+)/cancel$`, 'i')
const dataPath = new RegExp(String.raw`${workspacePath}/data/(?<name>[^/]+)$`, 'i')
const dataVersionPath = new RegExp(String.raw`${workspacePath}/data/(?<name>[^/]+)/versions/(?<version>[^/]+)$`, 'i')
const datastorePath = new RegExp(String.raw`${workspacePath}/datastores/(?<name>[^/]+)$`, 'i')
const secretsPath = new RegExp(String.raw`${workspacePath}/datastores/(?<name>[^/]+)/listSecrets$`, 'i')
const operationPath = new RegExp(
  String.raw`^/subscriptions/(?<subscription>[^/]+)/providers/Microsoft\.MachineLearningServices` +
    String.raw`/locations/(?<region>[^/]+)/mfeOperationResults/(?<operation>[^/]+)$`,
  'i'
)

/**
 * Azure Resource Manager's workspace APIs: the Jobs API over the jobs of the fake's batch endpoint (read a job,
 * cancel it), data assets, and datastores with their secrets.
 */
export class ResourceManager {
  readonly audiences: readonly string[]
  readonly dataAssets: DataAsset[]
  readonly datastores: Datastore[]
  private readonly endpoint: BatchEndpoint
  private readonly gate: ArmGate
  // Names the workspace in operation ids and in its blob container's name, as Azure ML does.
  private readonly workspaceId = randomUUID()

  readonly discoveryUrl: string
  private readonly jobsPageSize: number
  private readonly jobsListLagMs: number
  /** Told of each read of a job's status before it is answered: run history's scoring logs grow with them. */
  onStatusRead: ((job: BatchJob, status: string) => Promise<void>) | undefined
  readonly routes: Route[]
  private readonly ownRoutes: Route[] = [
    { name: 'armGetWorkspace', method: 'GET', path: workspaceOnlyPath, handle: (r, p) => this.getWorkspace(r, p) },
    { name: 'armListJobs', method: 'GET', path: jobsPath, handle: (r, params) => this.listJobs(r, params) },
    { name: 'armGetJob', method: 'GET', path: jobPath, handle: (r, params) => this.getJob(r, params) },
    { name: 'armCancelJob', method: 'POST', path: cancelPath, handle: (r, params) => this.cancelJob(r, params) },
    { name: 'armOperationResult', method: 'GET', path: operationPath, handle: (r, p) => this.operationResult(r, p) },
    { name: 'armGetData', method: 'GET', path: dataPath, handle: (r, p) => this.getData(r, p) },
    { name: 'armGetDataVersion', method: 'GET', path: dataVersionPath, handle: (r, p) => this.getData(r, p) },
    { name: 'armGetDatastore', method: 'GET', path: datastorePath, handle: (r, p) => this.getDatastore(r, p) },
    { name: 'armListDatastoreSecrets', method: 'POST', path: secretsPath, handle: (r, p) => this.listSecrets(r, p) }
  ]

  constructor(tokens: TokenStore, endpoint: BatchEndpoint, options: ResourceManagerOptions = {}) {
    this.endpoint = endpoint
    this.audiences = allowedAudiences(options.armAudience ?? 'https://management.azure.com')
    this.dataAssets = options.dataAssets ?? []
    this.datastores = options.datastores ?? defaultDatastores(this.workspaceId)
    this.discoveryUrl = options.discoveryUrl ?? `${defaultApiHost}/discovery`
    this.jobsPageSize = options.jobsPageSize ?? 20
    this.jobsListLagMs = options.jobsListLagMs ?? 0
    this.gate = new ArmGate({
      tokens,
      audiences: this.audiences,
      workspace: endpoint.workspace,
      denyClients: endpoint.denyClients,
      denyListSecrets: new Set((options.denyListSecrets ?? []).map(id => id.toLowerCase()))
    })
    this.routes = [...this.ownRoutes, ...new ArmBatchEndpoints(endpoint, this.gate, options).routes]
  }

  // A data container (its latestVersion) or one version of it.
  private getData(request: RecordedRequest, params: Record<string, string>): Reply {
    const admitted = this.gate.admit(request, params)
    if ('status' in admitted) return admitted
    const name = decoded(params['name'])
    const asset = this.dataAssets.find(a => a.name === name)
    if (!asset) return this.gate.refuse(request, dataNotFound(name), admitted.headers)
    const ws = this.endpoint.workspace
    if (params['version'] === undefined) return jsonReply(200, dataContainerResource(asset, ws), admitted.headers)
    const version = asset.versions.find(v => v.version === decoded(params['version']))
    if (!version) return this.gate.refuse(request, dataNotFound(name, decoded(params['version'])), admitted.headers)
    return jsonReply(200, dataVersionResource(asset, version, ws), admitted.headers)
  }

  private getDatastore(request: RecordedRequest, params: Record<string, string>): Reply {
    const found = this.findDatastore(request, params, 'read')
    if ('status' in found) return found
    return jsonReply(200, datastoreResource(found.datastore, this.endpoint.workspace), found.headers)
  }

  // Datastores_ListSecrets is a POST without a body; the secrets are the answer.
  private listSecrets(request: RecordedRequest, params: Record<string, string>): Reply {
    const found = this.findDatastore(request, params, 'listsecrets/action')
    if ('status' in found) return found
    const secrets = datastoreSecrets(found.datastore)
    if (secrets === undefined) {
      return this.gate.refuse(request, datastoreWithoutSecrets(found.datastore.name), found.headers)
    }
    return jsonReply(200, secrets, found.headers)
  }

  // The workspace as Workspaces_Get answers, reduced to what clients of the fake read: where its services are.
  private getWorkspace(request: RecordedRequest, params: Record<string, string>): Reply {
    const checked = this.gate.inWorkspace(request, params, '', 'read')
    if ('status' in checked) return checked
    const ws = this.endpoint.workspace
    const id = workspaceArmId(ws)
    return jsonReply(
      200,
      {
        id,
        name: ws.workspace,
        type: 'Microsoft.MachineLearningServices/workspaces',
        location: armRegion,
        kind: 'Default',
        properties: {
          friendlyName: ws.workspace,
          workspaceId: this.workspaceId,
          discoveryUrl: this.discoveryUrl,
          mlFlowTrackingUri: `azureml://${armRegion}.api.azureml.ms/mlflow/v1.0${id}`,
          provisioningState: 'Succeeded',
          publicNetworkAccess: 'Enabled'
        }
      },
      checked.headers
    )
  }

  private async getJob(request: RecordedRequest, params: Record<string, string>): Promise<Reply> {
    const found = this.findJob(request, params, 'read')
    if ('status' in found) return found
    const status = found.job.statuses.read()
    await this.onStatusRead?.(found.job, status)
    // The outputs are in storage by the time a client can see that the job Completed.
    const storage = this.endpoint.jobStorage
    if (status === 'Completed' && storage && !found.job.outputsWritten) {
      found.job.outputsWritten = true
      await storage.writeOutputs(found.job)
    }
    return jsonReply(
      200,
      armJobResource(found.job, status, this.endpoint.workspace, this.endpoint.studioUrl),
      found.headers
    )
  }

  // Jobs_List, newest first: `tag` keeps the jobs that carry that tag key, whatever its value; `$skip` is the
  // continuation token of the page's nextLink.
  private listJobs(request: RecordedRequest, params: Record<string, string>): Reply {
    const checked = this.gate.inWorkspace(request, params, 'jobs', 'jobs/read')
    if ('status' in checked) return checked
    const url = new URL(request.path, originOf(request))
    const tag = url.searchParams.get('tag')
    const skip = Number(url.searchParams.get('$skip') ?? 0)
    const listed = this.endpoint.jobs
      .filter(job => Date.now() - job.createdAt >= this.jobsListLagMs)
      .filter(job => tag === null || tag in jobTags(job))
      .reverse()
    const page = listed.slice(skip, skip + this.jobsPageSize)
    const ws = this.endpoint.workspace
    const value = page.map(job => armJobResource(job, job.statuses.current, ws, this.endpoint.studioUrl))
    const body: Record<string, unknown> = { value }
    if (skip + this.jobsPageSize < listed.length) {
      url.searchParams.set('$skip', String(skip + this.jobsPageSize))
      body['nextLink'] = url.toString()
    }
    return jsonReply(200, body, checked.headers)
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
      `/locations/${armRegion}/mfeOperationResults/jc:${this.workspaceId}:${job.name}?api-version=${armApiVersions[0]}`
    return { status: 202, headers: { ...headers, location, 'retry-after': '10' }, body: '' }
  }

  // The cancel operation is done once the request is recorded; the job reports its own progress to reads of the job.
  private operationResult(request: RecordedRequest, params: Record<string, string>): Reply {
    const admitted = this.gate.admit(request, params)
    if ('status' in admitted) return admitted
    const operation = decoded(params['operation'])
    const [kind, workspaceId, jobName] = operation.split(':')
    const known = kind === 'jc' && workspaceId === this.workspaceId && this.endpoint.jobNamed(jobName ?? '')
    if (!known) return this.gate.refuse(request, operationNotFound(operation), admitted.headers)
    return { status: 200, headers: admitted.headers, body: '' }
  }

  /** The job a request addresses, after ARM's checks and then Azure ML's, in the order they make them. */
  private findJob(
    request: RecordedRequest,
    params: Record<string, string>,
    action: 'read' | 'cancel/action'
  ): (Admitted & { job: BatchJob }) | Reply {
    const name = decoded(params['job'])
    const checked = this.gate.inWorkspace(request, params, `jobs/${name}`, `jobs/${action}`)
    if ('status' in checked) return checked
    const job = this.endpoint.jobNamed(name)
    if (!job) return this.gate.refuse(request, jobNotFound(name), checked.headers)
    return { ...checked, job }
  }

  // Unlike job names, datastore names are matched in any case.
  private findDatastore(
    request: RecordedRequest,
    params: Record<string, string>,
    action: 'read' | 'listsecrets/action'
  ): (Admitted & { datastore: Datastore }) | Reply {
    const name = decoded(params['name'])
    const checked = this.gate.inWorkspace(request, params, `datastores/${name}`, `datastores/${action}`)
    if ('status' in checked) return checked
    const datastore = this.datastores.find(d => sameName(d.name, name))
    if (!datastore) return this.gate.refuse(request, datastoreNotFound(name), checked.headers)
    return { ...checked, datastore }
  }
}
