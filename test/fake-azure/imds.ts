import { randomUUID } from 'node:crypto'
import { jsonReply, type RecordedRequest, type Reply, type Route } from './exchange.js'
import type { TokenStore } from './tokens.js'

// The managed identity endpoint of an Azure VM's Instance Metadata Service (IMDS), plain HTTP as on 169.254.169.254:
// GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=<r>[&client_id=|object_id=|msi_res_id=<id>]
// with `Metadata: true`. @azure/identity (through MSAL) calls it when AZURE_POD_IDENTITY_AUTHORITY_HOST names it.

export interface ManagedIdentity {
  clientId: string
  /** The service principal's object id; a random one when not given. */
  objectId?: string
  /** The identity's ARM resource id, which clients may name it by (msi_res_id). */
  resourceId?: string
}

export interface ManagedIdentityOptions {
  managedIdentities?: {
    /** The tenant the identities live in; a random one when not given. */
    tenantId?: string
    systemAssigned?: ManagedIdentity
    userAssigned?: ManagedIdentity[]
  }
  /** `expires_in` of issued tokens (24 hours less a second, as IMDS gives, when not set). */
  tokenLifetimeSeconds?: number
}

export type RegisteredIdentity = Required<Pick<ManagedIdentity, 'clientId' | 'objectId'>> & ManagedIdentity

export class Imds {
  readonly tenantId: string
  readonly systemAssigned: RegisteredIdentity | undefined
  readonly userAssigned: RegisteredIdentity[]
  readonly tokenLifetimeSeconds: number
  private readonly tokens: TokenStore

  readonly routes: Route[] = [
    {
      name: 'imdsToken',
      method: 'GET',
      // MSAL adds a trailing slash to an endpoint it reads from the environment; IMDS takes the path either way.
      path: /^\/metadata\/identity\/oauth2\/token\/?$/,
      handle: request => this.token(request)
    }
  ]

  constructor(tokens: TokenStore, options: ManagedIdentityOptions = {}) {
    this.tokens = tokens
    const identities = options.managedIdentities ?? {}
    this.tenantId = identities.tenantId ?? randomUUID()
    const register = (identity: ManagedIdentity) => ({ ...identity, objectId: identity.objectId ?? randomUUID() })
    this.systemAssigned = identities.systemAssigned && register(identities.systemAssigned)
    this.userAssigned = (identities.userAssigned ?? []).map(register)
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 86399
  }

  // The header guards against server-side request forgery: IMDS refuses any request without it.
  private token(request: RecordedRequest): Reply {
    if (request.headers['metadata']?.toLowerCase() !== 'true') {
      return imdsError('invalid_request', 'Required metadata header not specified')
    }
    const query = new URL(request.path, 'http://169.254.169.254').searchParams
    const resource = query.get('resource')
    if (!resource) return imdsError('invalid_request', 'Required audience parameter not specified')
    const identity = this.select(query)
    if ('error' in identity) return imdsError('invalid_request', identity.error)

    const now = Date.now()
    const lifetime = this.tokenLifetimeSeconds
    // The token is for the resource exactly as asked, trailing slash or not: it becomes the token's audience.
    const { clientId, objectId } = identity
    const token = this.tokens.issue({ audience: resource, tenantId: this.tenantId, clientId, objectId }, lifetime, now)
    const seconds = (ms: number) => String(Math.floor(ms / 1000))
    // IMDS sends its numbers as strings.
    return jsonReply(200, {
      access_token: token.accessToken,
      client_id: identity.clientId,
      expires_in: String(lifetime),
      expires_on: seconds(token.expiresAt),
      ext_expires_in: String(lifetime),
      not_before: seconds(now),
      resource,
      token_type: 'Bearer'
    })
  }

  /** The identity a request names; without a name, the system-assigned one, or the only user-assigned one. */
  private select(query: URLSearchParams): RegisteredIdentity | { error: string } {
    const clientId = query.get('client_id')
    const objectId = query.get('object_id')
    const resourceId = query.get('msi_res_id')
    if (clientId === null && objectId === null && resourceId === null) {
      const fallback = this.systemAssigned ?? (this.userAssigned.length === 1 ? this.userAssigned[0] : undefined)
      if (fallback) return fallback
      if (this.userAssigned.length > 1) {
        return {
          error:
            'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in ' +
            'the token request'
        }
      }
      return { error: 'Identity not found' }
    }
    const same = (a: string | undefined, b: string | null) => a !== undefined && a.toLowerCase() === b?.toLowerCase()
    const found = this.userAssigned.find(
      i => same(i.clientId, clientId) || same(i.objectId, objectId) || same(i.resourceId, resourceId)
    )
    return found ?? { error: 'Identity not found' }
  }
}

function imdsError(error: string, description: string): Reply {
  return jsonReply(400, { error, error_description: description })
}
