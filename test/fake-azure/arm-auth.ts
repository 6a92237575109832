import {
  expiredToken,
  invalidToken,
  malformedAuthorization,
  missingAuthorization,
  wrongAudience,
  type ArmProblem
} from './arm-errors.js'
import type { RecordedRequest } from './exchange.js'
import type { IssuedToken, TokenStore } from './tokens.js'

// Resource Manager also takes tokens for the classic Service Management resource of the same cloud, which older
// tools still ask for; it names all of them when it refuses a token.
const classicAudiences: Record<string, string> = {
  'https://management.azure.com': 'https://management.core.windows.net',
  'https://management.chinacloudapi.cn': 'https://management.core.chinacloudapi.cn',
  'https://management.usgovcloudapi.net': 'https://management.core.usgovcloudapi.net'
}

/** The audiences ARM accepts, each with and without its trailing slash, in the order ARM lists them. */
export function allowedAudiences(armAudience: string): string[] {
  const own = armAudience.replace(/\/+$/, '')
  const classic = classicAudiences[own]
  return [...(classic === undefined ? [] : [`${classic}/`, classic]), `${own}/`, own]
}

/**
 * The token the request carries, or the problem ARM answers when it is missing, not one the fake issued, expired, or
 * for another audience. Expiry is checked before the audience, as .NET's token validation does, and against the real
 * clock with no grace, so a client that does not refresh a short-lived token is caught.
 */
export function authenticate(
  request: RecordedRequest,
  tokens: TokenStore,
  audiences: readonly string[]
): IssuedToken | ArmProblem {
  const header = request.headers['authorization']
  if (header === undefined) return missingAuthorization()
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match?.[1]) return malformedAuthorization()
  const token = tokens.find(match[1])
  if (!token) return invalidToken()
  const now = Date.now()
  if (token.expiresAt <= now) return expiredToken(token.expiresAt, now)
  if (!audiences.includes(token.audience)) return wrongAudience(token.audience, audiences)
  return token
}
