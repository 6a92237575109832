import type { HttpClient } from '@azure/core-rest-pipeline'
import { AsyncLocalStorage } from 'node:async_hooks'
import { cappedHttpClient } from '../azure/capped-http-client.js'
import { earlyConnectionAgent } from '../azure/early-connection.js'

/** One token, every request behind it included (metadata, the token itself, a GitHub ID token), within this. */
export const tokenDeadlineMs = 30_000

/** A service a token depends on: its name for the user, and what to check when it does not answer. */
export interface TokenService {
  name: string
  check: string
}

interface TokenFetch {
  signal: AbortSignal
  /** The service whose answer is awaited right now, if a request is in flight. */
  waitingOn: TokenService | undefined
}

// @azure/identity hands MSAL neither getToken's abort signal nor a timeout, so the requests a token needs cannot be
// given a bound through its API. They do all go through the HttpClient the credential is given, and they run inside
// the getToken call that needs them: the fetch a request belongs to travels with it as async context.
const currentFetch = new AsyncLocalStorage<TokenFetch>()

/** Thrown when a service a token depends on did not answer within the deadline. */
export class TokenTimeoutError extends Error {
  override name = 'TokenTimeoutError'
}

/**
 * An HTTP client whose requests end when the token fetch they belong to runs out of time: the connection is closed,
 * nothing is left waiting. `serviceOf` names the service a URL belongs to, for the message.
 */
export function tokenHttpClient(serviceOf: (url: string) => TokenService): HttpClient {
  const inner = cappedHttpClient()
  // Takes the connection opened while the action was loading (Entra's, GitHub's token service's), if one waits.
  const agent = earlyConnectionAgent()
  return {
    async sendRequest(request) {
      if (agent && request.url.startsWith('https:')) request.agent ??= agent
      const fetch = currentFetch.getStore()
      if (!fetch) return inner.sendRequest(request)
      const given = request.abortSignal as AbortSignal | undefined
      request.abortSignal = given ? AbortSignal.any([given, fetch.signal]) : fetch.signal
      fetch.waitingOn = serviceOf(request.url)
      try {
        return await inner.sendRequest(request)
      } finally {
        fetch.waitingOn = undefined
      }
    }
  }
}

/**
 * Runs one token fetch with a deadline: past it, every request of the fetch is aborted and the fetch fails, naming the
 * service that did not answer (`fallback` when no request was in flight: a retry pause, the Azure CLI). `signal`
 * (the request that needs the token was given up) ends it early, the same way.
 */
export async function withTokenDeadline<T>(
  work: () => Promise<T>,
  fallback: TokenService,
  signal?: AbortSignal,
  deadlineMs = tokenDeadlineMs
): Promise<T> {
  const controller = new AbortController()
  const fetch: TokenFetch = { signal: controller.signal, waitingOn: undefined }
  let timer: NodeJS.Timeout | undefined
  let onAbort = () => {}
  const ended = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const service = fetch.waitingOn ?? fallback
      controller.abort()
      reject(
        new TokenTimeoutError(
          `${service.name} did not answer within ${deadlineMs / 1000} s, so no token could be had. ${service.check}`
        )
      )
    }, deadlineMs)
    // The request that needed the token gave up (its own bound, or the run was cancelled): so does the fetch.
    onAbort = () => {
      const service = fetch.waitingOn ?? fallback
      controller.abort(signal?.reason)
      reject(
        new TokenTimeoutError(
          `${service.name} had not answered when the request that needed the token gave up. ${service.check}`
        )
      )
    }
  })
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    if (signal?.aborted) throw signal.reason
    return await Promise.race([currentFetch.run(fetch, work), ended])
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}
