import type { PipelinePolicy } from '@azure/core-rest-pipeline'
import type { AccessToken, TokenCredential } from '@azure/identity'

/** A token is renewed this long before it expires (or from when the service says to), as the SDK's own policy does. */
export const renewBeforeExpiryMs = 2 * 60_000

/**
 * Signs each request with a token for `scope`, held between requests and renewed by the request that finds it due.
 * The SDK's bearerTokenAuthenticationPolicy renews in the background instead, with the abort signal of the request
 * that happened to find it due: once that request's bound passed the renewal was aborted, and past the old token's
 * expiry its failure was a rejection nobody awaited, which ends the process. Here every token fetch is awaited by the
 * request it is for, within that request's bound, and a failed renewal fails that request alone (the next one tries again).
 */
export function bearerTokenPolicy(credential: TokenCredential, scope: string): PipelinePolicy {
  let held: AccessToken | undefined
  return {
    name: 'bearerToken',
    async sendRequest(request, next) {
      if (!request.url.toLowerCase().startsWith('https://')) {
        throw new Error(`A token is sent over HTTPS only; refused for ${new URL(request.url).origin}`)
      }
      if (!held || renewalDue(held)) {
        const token = await credential.getToken(scope, { abortSignal: request.abortSignal })
        if (!token) throw new Error(`No token was given for ${scope}`)
        held = token
      }
      request.headers.set('Authorization', `Bearer ${held.token}`)
      return next(request)
    }
  }
}

function renewalDue(token: AccessToken): boolean {
  return Date.now() >= (token.refreshAfterTimestamp ?? token.expiresOnTimestamp - renewBeforeExpiryMs)
}
