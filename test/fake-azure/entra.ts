import { randomUUID } from 'node:crypto'
import {
  applicationNotFound,
  entraErrorReply,
  invalidClientSecret,
  missingCredential,
  missingParameter,
  scopeWithoutDefault,
  tenantNotFound,
  unsupportedGrantType,
  type EntraProblem
} from './entra-errors.js'
import { instanceDiscovery, openIdConfiguration } from './entra-metadata.js'
import { jsonReply, originOf, type RecordedRequest, type Reply, type Route } from './exchange.js'
import { TokenStore } from './tokens.js'

/** An app registration with a client secret. Its tenant is known by id and, optionally, by a domain alias. */
export interface FakeApp {
  tenantId: string
  clientId: string
  clientSecret: string
  tenantDomain?: string
  /** The service principal's object id; a random one when not given. */
  objectId?: string
}

export interface RegisteredApp extends FakeApp {
  objectId: string
}

export interface EntraOptions {
  apps?: FakeApp[]
  /** `expires_in` of issued tokens; short lifetimes let tests watch tokens expire. */
  tokenLifetimeSeconds?: number
}

// Scopes MSAL may add to any request; they do not name the resource a token is for.
const oidcScopes = new Set(['openid', 'profile', 'offline_access'])

/** Microsoft Entra as MSAL sees it for the authority https://<fake>/<tenant> with instance discovery disabled. */
export class Entra {
  readonly apps: RegisteredApp[] = []
  readonly tokens = new TokenStore()
  readonly tokenLifetimeSeconds: number

  readonly routes: Route[] = [
    {
      name: 'instanceDiscovery',
      method: 'GET',
      path: /^\/common\/discovery\/instance$/,
      handle: request => this.instanceDiscovery(request)
    },
    {
      name: 'metadata',
      method: 'GET',
      path: /^\/(?<tenant>[^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
      handle: (request, params) => this.metadata(request, params['tenant'] ?? '')
    },
    {
      name: 'token',
      method: 'POST',
      path: /^\/(?<tenant>[^/]+)\/oauth2\/v2\.0\/token$/,
      handle: (request, params) => this.token(request, params['tenant'] ?? '')
    }
  ]

  constructor(options: EntraOptions = {}) {
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599
    for (const app of options.apps ?? []) this.addApp(app)
  }

  addApp(app: FakeApp): RegisteredApp {
    const registered = { ...app, objectId: app.objectId ?? randomUUID() }
    this.apps.push(registered)
    return registered
  }

  /** The tenant id that `segment` (an id or a domain alias) names, if any registered app lives there. */
  private tenantIdOf(segment: string): string | undefined {
    const wanted = segment.toLowerCase()
    const app = this.apps.find(a => a.tenantId.toLowerCase() === wanted || a.tenantDomain?.toLowerCase() === wanted)
    return app?.tenantId
  }

  private instanceDiscovery(request: RecordedRequest): Reply {
    const query = new URL(request.path, originOf(request)).searchParams
    return jsonReply(200, instanceDiscovery(originOf(request), query.get('authorization_endpoint')))
  }

  private metadata(request: RecordedRequest, tenant: string): Reply {
    const tenantId = this.tenantIdOf(tenant)
    if (tenantId === undefined) return this.problem(request, tenantNotFound(tenant))
    return jsonReply(200, openIdConfiguration(originOf(request), tenantId))
  }

  // The checks run in the order Entra reports them: tenant, request shape, application, credential, scope.
  private token(request: RecordedRequest, tenant: string): Reply {
    const tenantId = this.tenantIdOf(tenant)
    if (tenantId === undefined) return this.problem(request, tenantNotFound(tenant))
    const form = new URLSearchParams(request.body)
    const grantType = form.get('grant_type')
    if (!grantType) return this.problem(request, missingParameter('grant_type'))
    if (grantType !== 'client_credentials') return this.problem(request, unsupportedGrantType())
    const clientId = form.get('client_id')
    if (!clientId) return this.problem(request, missingParameter('client_id'))
    const app = this.apps.find(a => a.tenantId === tenantId && a.clientId.toLowerCase() === clientId.toLowerCase())
    if (!app) return this.problem(request, applicationNotFound(clientId, tenant))
    const secret = form.get('client_secret')
    if (secret === null) return this.problem(request, missingCredential())
    if (secret !== app.clientSecret) return this.problem(request, invalidClientSecret(clientId))
    const scope = form.get('scope')
    if (!scope) return this.problem(request, missingParameter('scope'))
    const resourceScope = scope.split(' ').find(s => s !== '' && !oidcScopes.has(s))
    if (!resourceScope?.endsWith('/.default')) return this.problem(request, scopeWithoutDefault(scope))

    const lifetime = this.tokenLifetimeSeconds
    const token = this.tokens.issue(
      {
        audience: resourceScope.slice(0, -'/.default'.length),
        tenantId,
        clientId: app.clientId,
        objectId: app.objectId
      },
      lifetime
    )
    return jsonReply(
      200,
      { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token.accessToken },
      { 'cache-control': 'no-store, no-cache', 'x-ms-request-id': randomUUID() }
    )
  }

  private problem(request: RecordedRequest, problem: EntraProblem): Reply {
    return entraErrorReply(problem, originOf(request), clientRequestId(request))
  }
}

// MSAL sends its correlation id as a `client-request-id` query parameter (and form field), other clients as a header;
// Entra echoes it back as the correlation id either way.
function clientRequestId(request: RecordedRequest): string | undefined {
  const fromQuery = new URL(request.path, originOf(request)).searchParams.get('client-request-id')
  const fromForm = request.method === 'POST' ? new URLSearchParams(request.body).get('client-request-id') : null
  return request.headers['client-request-id'] ?? fromQuery ?? fromForm ?? undefined
}
