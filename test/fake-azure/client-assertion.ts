import { createHash, X509Certificate, type KeyObject } from 'node:crypto'
import {
  assertionAudienceInvalid,
  assertionClientMismatch,
  assertionOutsideValidTime,
  certificateExpired,
  certificateNotRegistered,
  certificateSignatureInvalid,
  federatedKeyNotFound,
  federatedSignatureInvalid,
  federatedSubjectCaseMismatch,
  malformedAssertion,
  noFederatedAudience,
  noFederatedIssuer,
  noFederatedSubject
} from './assertion-errors.js'
import type { EntraProblem } from './entra-errors.js'
import { decodeJwt, hasValidSignature, numericClaim, type DecodedJwt } from './jwt.js'

// How Entra checks `client_assertion`: an assertion the app signed itself (iss = sub = client id) must be signed by
// a certificate registered on the app; any other is an external identity provider's token (GitHub's ID token), which
// a federated credential on the app must name by issuer, audience and subject.

export const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** A federated identity credential on an app registration: trust `issuer`'s tokens for `subject`. */
export interface FederatedCredential {
  issuer: string
  /** Compared case-sensitively, as Entra has since August 2024. */
  subject: string
  /** api://AzureADTokenExchange on the public cloud. */
  audiences: string[]
}

export interface AssertionContext {
  clientId: string
  /** PEM of the certificate registered on the app. */
  certificate?: string
  federatedCredentials?: FederatedCredential[]
  /** The `aud` values an app's own assertion may carry: the tenant's token endpoints at the fake's origin. */
  tokenEndpoints: string[]
  /** The public key an identity provider publishes under `kid` (the fake GitHub's). */
  identityProviderKey(kid: string): KeyObject | undefined
  now: number
}

export function assertionProblem(assertion: string, context: AssertionContext): EntraProblem | undefined {
  const jwt = decodeJwt(assertion)
  if (!jwt) return malformedAssertion()
  const issuer = stringClaim(jwt.payload, 'iss')
  return issuer.toLowerCase() === context.clientId.toLowerCase()
    ? certificateProblem(jwt, context)
    : federatedProblem(jwt, issuer, context)
}

function certificateProblem(jwt: DecodedJwt, context: AssertionContext): EntraProblem | undefined {
  // MSAL names the key by its SHA-256 thumbprint (x5t#S256); older clients by SHA-1 (x5t).
  const sha256 = jwt.header['x5t#S256']
  const [sent, algorithm] = typeof sha256 === 'string' ? [sha256, 'sha256'] : [jwt.header['x5t'], 'sha1']
  const thumbprint = typeof sent === 'string' ? Buffer.from(sent, 'base64url') : Buffer.alloc(0)
  const shown = thumbprint.toString('hex').toUpperCase()
  const registered = context.certificate === undefined ? undefined : new X509Certificate(context.certificate)
  if (!registered || !createHash(algorithm).update(registered.raw).digest().equals(thumbprint)) {
    return certificateNotRegistered(shown, context.clientId)
  }
  if (registered.validToDate.getTime() <= context.now) return certificateExpired(shown, registered, context.clientId)
  if (!hasValidSignature(jwt, registered.publicKey)) {
    return certificateSignatureInvalid(shown, registered, context.clientId)
  }
  if (stringClaim(jwt.payload, 'sub').toLowerCase() !== context.clientId.toLowerCase()) {
    return assertionClientMismatch()
  }
  if (!audiences(jwt.payload).some(aud => context.tokenEndpoints.includes(aud))) return assertionAudienceInvalid()
  return timeProblem(jwt, context.now)
}

function federatedProblem(jwt: DecodedJwt, issuer: string, context: AssertionContext): EntraProblem | undefined {
  const subject = stringClaim(jwt.payload, 'sub')
  const sentAudiences = audiences(jwt.payload)
  const byIssuer = (context.federatedCredentials ?? []).filter(c => c.issuer === issuer)
  if (byIssuer.length === 0) return noFederatedIssuer(issuer)
  const byAudience = byIssuer.filter(c => c.audiences.some(aud => sentAudiences.includes(aud)))
  if (byAudience.length === 0) return noFederatedAudience(sentAudiences.join(', '))
  if (!byAudience.some(c => c.subject === subject)) {
    const differsInCase = byAudience.some(c => c.subject.toLowerCase() === subject.toLowerCase())
    return differsInCase ? federatedSubjectCaseMismatch(subject) : noFederatedSubject(subject)
  }
  const kid = typeof jwt.header['kid'] === 'string' ? jwt.header['kid'] : ''
  const key = context.identityProviderKey(kid)
  if (!key) return federatedKeyNotFound(kid, issuer)
  if (!hasValidSignature(jwt, key)) return federatedSignatureInvalid(kid)
  return timeProblem(jwt, context.now)
}

// Entra allows for clock skew, and MSAL rounds `nbf` to the nearest second, so an assertion may start a little in the
// future. The expiry is checked against the real clock with no allowance, so that a client holding on to a GitHub ID
// token is caught as soon as it expires.
const allowedSkewSeconds = 300

function timeProblem(jwt: DecodedJwt, now: number): EntraProblem | undefined {
  const expires = numericClaim(jwt.payload, 'exp')
  const notBefore = numericClaim(jwt.payload, 'nbf') ?? numericClaim(jwt.payload, 'iat') ?? 0
  if (expires === undefined) return malformedAssertion()
  if ((notBefore - allowedSkewSeconds) * 1000 > now || expires * 1000 <= now) {
    return assertionOutsideValidTime(now, notBefore, expires)
  }
  return undefined
}

function stringClaim(payload: Record<string, unknown>, name: string): string {
  const value = payload[name]
  return typeof value === 'string' ? value : ''
}

function audiences(payload: Record<string, unknown>): string[] {
  const aud = payload['aud']
  return typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter(a => typeof a === 'string') : []
}
