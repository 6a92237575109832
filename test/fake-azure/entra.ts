import { randomUUID, type KeyObject } from 'node:crypto'
import { assertionProblem, jwtBearer, type FederatedCredential } from './client-assertion.js'
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

/**
 * An app registration that signs in with a client secret, a certificate or federated credentials (any of them). Its
 * tenant is known by id and, optionally, by a domain alias.
 */
export interface FakeApp {
  tenantId: string
  clientId: string
  clientSecret?: string
  /** PEM of the certificate whose private key signs the app's client assertions. */
  certificate?: string
  federatedCredentials?: FederatedCredential[]
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

  private readonly identityProviderKey: (kid: string) => KeyObject | undefined

  /** `identityProviderKey` finds the keys federated identity providers (the fake GitHub) sign with. */
  constructor(
    options: EntraOptions = {},
    identityProviderKey: (kid: string) => KeyObject | undefined = () => undefined
  ) {
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599
    this.identityProviderKey = identityProviderKey
    for (const app of options.apps ?? []) this.addApp(app)
  }

  addApp(app: FakeApp): RegisteredApp {
    const registered = { ...app, objectId: app.objectId ?? randomUUID() }
    this.apps.push(registered)
    return registered
  }

  /** The tenant id that `segment` (an id or a domain alias) names, if any registered app lives there. */
  tenantIdOf(segment: string): string | undefined {
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
    const credentialProblem = this.credentialProblem(request, form, app, [tenantId, tenant])
    if (credentialProblem) return this.problem(request, credentialProblem)
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

  /** A client assertion (certificate or federated) if one is sent, else the client secret. */
  private credentialProblem(
    request: RecordedRequest,
    form: URLSearchParams,
    app: RegisteredApp,
    tenantNames: string[]
  ): EntraProblem | undefined {
    const assertion = form.get('client_assertion')
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== jwtBearer) return missingParameter('client_assertion_type')
      const tokenEndpoints = tenantNames.flatMap(tenant =>
        ['oauth2/v2.0/token', 'oauth2/token'].map(path => `${originOf(request)}/${tenant}/${path}`)
      )
      return assertionProblem(assertion, {
        ...app,
        tokenEndpoints,
        identityProviderKey: this.identityProviderKey,
        now: Date.now()
      })
    }
    const secret = form.get('client_secret')
    if (secret === null) return missingCredential()
    if (secret !== app.clientSecret) return invalidClientSecret(form.get('client_id') ?? app.clientId)
    return undefined
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
