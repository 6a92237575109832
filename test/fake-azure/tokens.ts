import { randomBytes } from 'node:crypto'

/** An access token the fake issued, remembered so that the services can check the tokens they are shown. */
export interface IssuedToken {
  accessToken: string
  /** The resource the token is for: the scope without `/.default`, e.g. https://ml.azure.com. */
  audience: string
  tenantId: string
  clientId: string
  /** The service principal's object id, which authorization errors name. */
  objectId: string
  /** Milliseconds since the epoch, as Date.now(). */
  issuedAt: number
  expiresAt: number
}

export type TokenClaims = Pick<IssuedToken, 'audience' | 'tenantId' | 'clientId' | 'objectId'>

export class TokenStore {
  readonly issued: IssuedToken[] = []
  private readonly byAccessToken = new Map<string, IssuedToken>()

  issue(claims: TokenClaims, lifetimeSeconds: number, now = Date.now()): IssuedToken {
    const token: IssuedToken = {
      ...claims,
      accessToken: jwt(claims, now, lifetimeSeconds),
      issuedAt: now,
      expiresAt: now + lifetimeSeconds * 1000
    }
    this.issued.push(token)
    this.byAccessToken.set(token.accessToken, token)
    return token
  }

  /** Every token issued so far stops being accepted, as after a revocation: only a newly issued one is. */
  revokeAll(): void {
    this.byAccessToken.clear()
  }

  find(accessToken: string): IssuedToken | undefined {
    return this.byAccessToken.get(accessToken)
  }
}

// JWT-shaped like Entra's v1 app-only tokens, so that code which decodes a token (for logging `appid`/`tid`, say) meets
// the claims it would meet in Azure. The signature is random bytes: the fake is the only party that checks tokens,
// and it checks them by lookup.
function jwt(claims: TokenClaims, now: number, lifetimeSeconds: number): string {
  const iat = Math.floor(now / 1000)
  const header = { typ: 'JWT', alg: 'RS256', kid: base64url(randomBytes(20)) }
  const payload = {
    aud: claims.audience,
    iss: `https://sts.windows.net/${claims.tenantId}/`,
    iat,
    nbf: iat,
    exp: iat + lifetimeSeconds,
    appid: claims.clientId,
    appidacr: '1',
    idp: `https://sts.windows.net/${claims.tenantId}/`,
    oid: claims.objectId,
    sub: claims.objectId,
    tid: claims.tenantId,
    // Unique per token, so that two tokens issued in the same second still differ.
    uti: base64url(randomBytes(16)),
    ver: '1.0'
  }
  return [base64url(JSON.stringify(header)), base64url(JSON.stringify(payload)), base64url(randomBytes(256))].join('.')
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url')
}
