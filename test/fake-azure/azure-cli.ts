import { randomBytes, randomUUID } from 'node:crypto'
import type { Entra } from './entra.js'
import { applicationNotFound, tenantNotFound, type EntraProblem } from './entra-errors.js'
import { jsonReply, type RecordedRequest, type Reply, type Route } from './exchange.js'

// The Azure CLI's side of the fake: the accounts `az login` signed in, and a test-only route through which the fake az
// (fake-az.ts) gets real tokens for them. The real az gets them from Entra with what `az login` cached; the fake skips
// that, and issues them where the endpoint and Resource Manager look tokens up.

/** What `az login` signed in: a user, or a service principal when `clientId` names one. */
export interface AzAccount {
  tenantId: string
  subscriptionId?: string
  /** The service principal's client id; a user's tokens carry the Azure CLI's own client id instead. */
  clientId?: string
  /** The user's or service principal's object id; a random one when not given. */
  objectId?: string
}

// The first-party app a user's `az login` signs in through.
const azureCliClientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'

export class AzureCli {
  private readonly entra: Entra
  private readonly sessions = new Map<string, Required<AzAccount>>()

  readonly routes: Route[] = [
    { name: 'azCliToken', method: 'POST', path: /^\/_fake\/az\/token$/, handle: request => this.token(request) }
  ]

  constructor(entra: Entra) {
    this.entra = entra
  }

  /** Remembers an account as signed in; the fake az names it by the session id returned. */
  login(account: AzAccount): string {
    const session = randomBytes(16).toString('base64url')
    this.sessions.set(session, {
      subscriptionId: randomUUID(),
      clientId: azureCliClientId,
      objectId: randomUUID(),
      ...account
    })
    return session
  }

  // Body: {"session", "resource", "tenant"?}. Answers the token and its expiry, or the error az would print.
  private token(request: RecordedRequest): Reply {
    const { session, resource, tenant } = JSON.parse(request.body) as {
      session: string
      resource: string
      tenant?: string
    }
    const account = this.sessions.get(session)
    if (!account) return jsonReply(400, { error: "Please run 'az login' to setup account." })
    const sameTenant = (name: string) =>
      name.toLowerCase() === account.tenantId.toLowerCase() || this.entra.tenantIdOf(name) === account.tenantId
    if (tenant && !sameTenant(tenant)) {
      return jsonReply(400, { error: aadsts(this.otherTenant(tenant, account)) })
    }
    const lifetime = this.entra.tokenLifetimeSeconds
    const { tenantId, clientId, objectId } = account
    // The token is for the resource exactly as asked, as Entra's v1 tokens are.
    const token = this.entra.tokens.issue({ audience: resource, tenantId, clientId, objectId }, lifetime)
    return jsonReply(200, {
      accessToken: token.accessToken,
      expires_on: Math.floor(token.expiresAt / 1000),
      subscription: account.subscriptionId,
      tenant: tenantId
    })
  }

  // A tenant the account is not in: Entra does not know the tenant, or the principal is not in it.
  private otherTenant(tenant: string, account: Required<AzAccount>): EntraProblem {
    return this.entra.tenantIdOf(tenant) === undefined
      ? tenantNotFound(tenant)
      : applicationNotFound(account.clientId, tenant)
  }
}

function aadsts(problem: EntraProblem): string {
  return `AADSTS${problem.code}: ${problem.message}`
}
