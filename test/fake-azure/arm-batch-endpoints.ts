import { batchResourceNotFound } from './arm-errors.js'
import { armRegion, decoded, sameName, type ArmGate } from './arm-gate.js'
import type { BatchEndpoint } from './batch-endpoint.js'
import { workspaceArmId, type Workspace } from './batch-job.js'
import { jsonReply, type RecordedRequest, type Reply, type Route } from './exchange.js'

// The batch endpoint and its deployments as Resource Manager shows them (BatchEndpoints_Get/List,
// BatchDeployments_Get/List in the 2025-12-01 REST spec): what a client that knows the endpoint only by name reads.

export interface ArmBatchEndpointOptions {
  /** The endpoint's provisioningState at each read, one per read, the last one kept: ['Succeeded'] when not given. */
  endpointProvisioning?: string[]
  /** Each deployment's provisioningState at each read, as for the endpoint; Succeeded for those not named. */
  deploymentProvisioning?: Record<string, string[]>
  /** Other batch endpoints in the workspace, listed beside the fake's own. */
  otherEndpoints?: string[]
  /**
   * The scoring URI the endpoint names: https://<endpoint>.eastus2.inference.ml.azure.com/jobs when not given,
   * which the test proxy leads to the fake's batch endpoint.
   */
  scoringUri?: string
}

/** The host of the endpoint's default scoring URI, for the test proxy's tunnels. */
export function scoringHost(endpointName: string): string {
  return `${endpointName}.${armRegion}.inference.ml.azure.com`
}

const workspacePath =
  String.raw`^/subscriptions/(?<subscription>[^/]+)/resourceGroups/(?<resourceGroup>[^/]+)` +
  String.raw`/providers/Microsoft\.MachineLearningServices/workspaces/(?<workspace>[^/]+)`
const endpointsPath = new RegExp(String.raw`${workspacePath}/batchEndpoints$`, 'i')
const endpointPath = new RegExp(String.raw`${workspacePath}/batchEndpoints/(?<endpoint>[^/]+)$`, 'i')
const deploymentsPath = new RegExp(String.raw`${workspacePath}/batchEndpoints/(?<endpoint>[^/]+)/deployments$`, 'i')
const deploymentPath = new RegExp(
  String.raw`${workspacePath}/batchEndpoints/(?<endpoint>[^/]+)/deployments/(?<deployment>[^/]+)$`,
  'i'
)

export class ArmBatchEndpoints {
  private readonly endpoint: BatchEndpoint
  private readonly gate: ArmGate
  private readonly options: ArmBatchEndpointOptions
  private readonly reads = new Map<string, number>()
  readonly routes: Route[] = [
    { name: 'armListBatchEndpoints', method: 'GET', path: endpointsPath, handle: (r, p) => this.list(r, p) },
    { name: 'armGetBatchEndpoint', method: 'GET', path: endpointPath, handle: (r, p) => this.get(r, p) },
    { name: 'armListDeployments', method: 'GET', path: deploymentsPath, handle: (r, p) => this.listDeployments(r, p) },
    { name: 'armGetDeployment', method: 'GET', path: deploymentPath, handle: (r, p) => this.getDeployment(r, p) }
  ]

  constructor(endpoint: BatchEndpoint, gate: ArmGate, options: ArmBatchEndpointOptions) {
    this.endpoint = endpoint
    this.gate = gate
    this.options = options
  }

  private get ws(): Workspace {
    return this.endpoint.workspace
  }

  private list(request: RecordedRequest, params: Record<string, string>): Reply {
    const checked = this.gate.inWorkspace(request, params, 'batchEndpoints', 'batchEndpoints/read')
    if ('status' in checked) return checked
    const names = [this.ws.endpointName, ...(this.options.otherEndpoints ?? [])]
    return jsonReply(200, { value: names.map(name => this.endpointResource(name, 'Succeeded')) }, checked.headers)
  }

  private get(request: RecordedRequest, params: Record<string, string>): Reply {
    const name = decoded(params['endpoint'])
    const checked = this.gate.inWorkspace(request, params, `batchEndpoints/${name}`, 'batchEndpoints/read')
    if ('status' in checked) return checked
    if (!sameName(name, this.ws.endpointName)) return this.noSuchEndpoint(request, name, checked.headers)
    const state = this.next('endpoint', this.options.endpointProvisioning)
    return jsonReply(200, this.endpointResource(this.ws.endpointName, state), checked.headers)
  }

  private listDeployments(request: RecordedRequest, params: Record<string, string>): Reply {
    const name = decoded(params['endpoint'])
    const action = 'batchEndpoints/deployments/read'
    const checked = this.gate.inWorkspace(request, params, `batchEndpoints/${name}/deployments`, action)
    if ('status' in checked) return checked
    if (!sameName(name, this.ws.endpointName)) return this.noSuchEndpoint(request, name, checked.headers)
    const value = this.endpoint.deployments.map(d => this.deploymentResource(d, 'Succeeded'))
    return jsonReply(200, { value }, checked.headers)
  }

  private getDeployment(request: RecordedRequest, params: Record<string, string>): Reply {
    const name = decoded(params['endpoint'])
    const deployment = decoded(params['deployment'])
    const action = 'batchEndpoints/deployments/read'
    const checked = this.gate.inWorkspace(request, params, `batchEndpoints/${name}/deployments/${deployment}`, action)
    if ('status' in checked) return checked
    const found = sameName(name, this.ws.endpointName)
      ? this.endpoint.deployments.find(d => sameName(d, deployment))
      : undefined
    if (!found) {
      const type = `batchEndpoints/${name}/deployments`
      return this.gate.refuse(request, batchResourceNotFound(type, deployment, this.ws.resourceGroup), checked.headers)
    }
    const state = this.next(`deployment:${found}`, this.options.deploymentProvisioning?.[found])
    return jsonReply(200, this.deploymentResource(found, state), checked.headers)
  }

  /** Resource Manager's 404 for an endpoint the workspace does not hold. */
  private noSuchEndpoint(request: RecordedRequest, name: string, headers: Record<string, string>): Reply {
    return this.gate.refuse(request, batchResourceNotFound('batchEndpoints', name, this.ws.resourceGroup), headers)
  }

  /** The state of this read in a script, one per read, the last kept. */
  private next(key: string, script: string[] | undefined): string {
    const read = this.reads.get(key) ?? 0
    this.reads.set(key, read + 1)
    if (!script || script.length === 0) return 'Succeeded'
    return script[Math.min(read, script.length - 1)] ?? 'Succeeded'
  }

  private endpointResource(name: string, provisioningState: string): Record<string, unknown> {
    const own = sameName(name, this.ws.endpointName)
    const scoringUri = own
      ? (this.options.scoringUri ?? `https://${scoringHost(name)}/jobs`)
      : `https://${scoringHost(name)}/jobs`
    return {
      id: `${workspaceArmId(this.ws)}/batchEndpoints/${name}`,
      name,
      type: 'Microsoft.MachineLearningServices/workspaces/batchEndpoints',
      location: armRegion,
      tags: {},
      identity: { type: 'SystemAssigned' },
      kind: 'Default',
      properties: {
        authMode: 'AADToken',
        description: null,
        properties: {},
        scoringUri,
        swaggerUri: null,
        // An endpoint without a default deployment has defaults: null, as the service answers.
        defaults: own && this.endpoint.defaultDeployment ? { deploymentName: this.endpoint.defaultDeployment } : null,
        provisioningState
      }
    }
  }

  private deploymentResource(name: string, provisioningState: string): Record<string, unknown> {
    return {
      id: `${workspaceArmId(this.ws)}/batchEndpoints/${this.ws.endpointName}/deployments/${name}`,
      name,
      type: 'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments',
      location: armRegion,
      tags: {},
      kind: 'Default',
      properties: {
        description: null,
        compute: `${workspaceArmId(this.ws)}/computes/cpu-cluster`,
        deploymentConfiguration: this.endpoint.pipelineDeployments.has(name)
          ? { deploymentConfigurationType: 'PipelineComponent' }
          : null,
        outputAction: 'AppendRow',
        outputFileName: 'predictions.csv',
        provisioningState
      }
    }
  }
}
