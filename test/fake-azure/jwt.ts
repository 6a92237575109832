import { constants, sign, verify, type KeyObject } from 'node:crypto'

// Compact JWS as the sign-in flows use it: RS256 (GitHub's ID tokens) and PS256 (MSAL's certificate assertions).
// node:crypto alone, so that the fake checks signatures the way Entra does rather than trusting a library's defaults.

export interface DecodedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  /** The signed part, `<header>.<payload>` as sent. */
  signingInput: string
  signature: Buffer
}

/** An RS256 token; `header` gets `alg` added. */
export function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const signingInput = `${base64url(JSON.stringify({ ...header, alg: 'RS256' }))}.${base64url(JSON.stringify(payload))}`
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`
}

/** The token's parts, or undefined unless it is three base64url parts with JSON objects in the first two. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [header, payload] = [parts[0], parts[1]].map(part => {
    try {
      const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'))
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined
    } catch {
      return undefined
    }
  })
  if (!header || !payload) return undefined
  return {
    header,
    payload,
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2] ?? '', 'base64url')
  }
}

/** Whether the signature is valid for the algorithm the header names (RS256 or PS256 only, never `none`). */
export function hasValidSignature(jwt: DecodedJwt, key: KeyObject): boolean {
  const alg = jwt.header['alg']
  if (alg !== 'RS256' && alg !== 'PS256') return false
  try {
    // jsonwebtoken signs PS256 with a salt as long as the digest; a verifier works the salt length out for itself.
    const padding =
      alg === 'RS256'
        ? { key, padding: constants.RSA_PKCS1_PADDING }
        : { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }
    return verify('sha256', Buffer.from(jwt.signingInput), padding, jwt.signature)
  } catch {
    return false
  }
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url')
}

/** A numeric claim (`exp`, `nbf`, `iat`), or undefined when absent or not a number. */
export function numericClaim(payload: Record<string, unknown>, name: string): number | undefined {
  const value = payload[name]
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}
