import { randomUUID } from 'node:crypto'
import { authenticate } from './arm-auth.js'
import {
  armErrorReply,
  authorizationFailed,
  invalidApiVersion,
  missingApiVersion,
  resourceGroupNotFound,
  subscriptionNotFound,
  unsupportedApiVersion,
  workspaceNotFound,
  type ArmProblem
} from './arm-errors.js'
import type { Workspace } from './batch-job.js'
import { originOf, type RecordedRequest, type Reply } from './exchange.js'
import type { IssuedToken, TokenStore } from './tokens.js'

// The checks a request to the workspace passes before Azure ML sees it, in the order ARM and Azure ML make them:
// token, api-version, subscription, the caller's role, resource group, workspace.

/** The api-versions the fake's workspace APIs serve. */
export const armApiVersions: readonly string[] = ['2025-12-01']

/** The region operation URLs name; nothing else in the fake needs one. */
export const armRegion = 'eastus2'

export type Admitted = { token: IssuedToken; headers: Record<string, string> }

export interface ArmGateOptions {
  tokens: TokenStore
  audiences: readonly string[]
  workspace: Workspace
  /** Client ids without a role on the workspace: every operation is refused. */
  denyClients: ReadonlySet<string>
  /** Client ids whose role may read datastores but not list their secrets (no datastores/listsecrets/action). */
  denyListSecrets: ReadonlySet<string>
}

export class ArmGate {
  private readonly options: ArmGateOptions
  // ARM's per-subscription budgets, reported on every answer to an authenticated request.
  private readsLeft = 12000
  private writesLeft = 1200

  constructor(options: ArmGateOptions) {
    this.options = options
  }

  /** ARM's own checks, before it routes to the resource provider: token, api-version, subscription. */
  admit(request: RecordedRequest, params: Record<string, string>): Admitted | Reply {
    const headers = this.headers(request)
    const token = authenticate(request, this.options.tokens, this.options.audiences)
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
        ? unsupportedApiVersion(apiVersion, armApiVersions, armRegion)
        : invalidApiVersion(apiVersion, armApiVersions)
    } else if (!sameName(subscription, this.options.workspace.subscriptionId)) {
      problem = subscriptionNotFound(subscription)
    }
    return problem ? this.refuse(request, problem, headers) : { token, headers }
  }

  /**
   * ARM's checks, then the caller's role for `action` (an operation on workspaces/, e.g. jobs/read) over `resource`
   * (a path under the workspace), then the resource group and workspace the request names.
   */
  inWorkspace(
    request: RecordedRequest,
    params: Record<string, string>,
    resource: string,
    action: string
  ): Admitted | Reply {
    const admitted = this.admit(request, params)
    if ('status' in admitted) return admitted
    const { token, headers } = admitted
    const ws = this.options.workspace
    const [subscription, resourceGroup, workspace] = ['subscription', 'resourceGroup', 'workspace'].map(key =>
      decoded(params[key])
    ) as [string, string, string]
    const clientId = token.clientId.toLowerCase()
    let problem: ArmProblem | undefined
    const listsSecrets = action === 'datastores/listsecrets/action'
    if (this.options.denyClients.has(clientId) || (listsSecrets && this.options.denyListSecrets.has(clientId))) {
      // ARM checks the role before it looks for the resource, so a caller without one learns nothing of what exists.
      const scope =
        `/subscriptions/${subscription}/resourceGroups/${resourceGroup}` +
        `/providers/Microsoft.MachineLearningServices/workspaces/${workspace}/${resource}`
      const operation = `Microsoft.MachineLearningServices/workspaces/${action}`
      problem = authorizationFailed(token.clientId, token.objectId, operation, scope)
    } else if (!sameName(resourceGroup, ws.resourceGroup)) problem = resourceGroupNotFound(resourceGroup)
    else if (!sameName(workspace, ws.workspace)) problem = workspaceNotFound(workspace, resourceGroup)
    return problem ? this.refuse(request, problem, headers) : admitted
  }

  refuse(request: RecordedRequest, problem: ArmProblem, headers: Record<string, string>): Reply {
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
      'x-ms-routing-request-id': `${armRegion.toUpperCase()}:${when}Z:${correlation}`
    }
  }
}

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

// Path segments arrive percent-encoded; one that does not decode is compared as sent, and so matches nothing.
export function decoded(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '')
  } catch {
    return segment ?? ''
  }
}
