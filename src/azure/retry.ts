import { RestError, type PipelinePolicy, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline'
import type { RetryStrategy } from '@azure/core-rest-pipeline'

// What is worth another attempt: the service said "not now" or the network dropped. Everything else is an answer.
const transientStatuses = new Set([408, 429, 500, 502, 503, 504])
const transientErrorCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'REQUEST_SEND_ERROR'
])

export interface RetryLimits {
  /** Attempts in all, the first included. */
  maxAttempts: number
  /** No retry starts once this much time has passed since the first attempt failed. */
  maxElapsedMs: number
  /** First back-off delay; doubles per attempt, with jitter, up to maxDelayMs. */
  baseDelayMs: number
  maxDelayMs: number
  /** One request ends within this in all: its token, every attempt and the pauses between them. */
  maxTotalMs: number
}

export interface Clock {
  now(): number
}

/** Retry-After in ms from the headers Azure uses (`retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After`). */
export function retryAfterMs(response: PipelineResponse | undefined, now: number): number | undefined {
  if (!response) return undefined
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(response.headers.get(header))
    if (response.headers.has(header) && Number.isFinite(ms) && ms >= 0) return ms
  }
  const value = response.headers.get('retry-after')
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined
}

export function isTransient(response: PipelineResponse | undefined, error: RestError | undefined): boolean {
  // Retry-After also rides on success: ARM's 202 Accepted for a long-running cancel says when to look again.
  if (response)
    return transientStatuses.has(response.status) || (response.status >= 400 && response.headers.has('retry-after'))
  return error?.code !== undefined && transientErrorCodes.has(error.code)
}

/**
 * A strategy for core-rest-pipeline's retryPolicy: transient failures are retried with exponential back-off, or
 * after the Retry-After the service asked for, within a budget of attempts and time. A Retry-After that would go
 * past the budget ends the retries instead of being shortened: the service asked for that pause.
 */
export function transientRetryStrategy(
  limits: RetryLimits,
  onRetry: (reason: string, delayMs: number) => void = () => {},
  clock: Clock = Date,
  random: () => number = Math.random
): RetryStrategy {
  const firstFailureAt = new WeakMap<PipelineRequest, number>()
  return {
    name: 'transientRetryStrategy',
    retry({ retryCount, response, responseError }) {
      if (!isTransient(response, responseError) || retryCount + 1 >= limits.maxAttempts) return { skipStrategy: true }
      const request = response?.request ?? responseError?.request
      const now = clock.now()
      const startedAt = (request && firstFailureAt.get(request)) ?? now
      if (request && !firstFailureAt.has(request)) firstFailureAt.set(request, now)
      const backoff = Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** retryCount) * (0.8 + 0.4 * random())
      const delay = retryAfterMs(response, now) ?? backoff
      if (now - startedAt + delay > limits.maxElapsedMs) return { skipStrategy: true }
      onRetry(response ? `HTTP ${response.status}` : (responseError?.code ?? 'network error'), Math.round(delay))
      return { retryAfterInMs: Math.round(delay) }
    }
  }
}

/**
 * core-rest-pipeline reports a request that ran past its timeout as an AbortError, which its retry policy never
 * retries. A timeout is a network failure like any other, so it is reported as one.
 */
export function timeoutAsNetworkErrorPolicy(): PipelinePolicy {
  return {
    name: 'timeoutAsNetworkError',
    async sendRequest(request, next) {
      try {
        return await next(request)
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError' && !request.abortSignal?.aborted) {
          throw new RestError(`No answer from ${new URL(request.url).host} within ${request.timeout / 1000} s`, {
            code: 'ETIMEDOUT',
            request
          })
        }
        throw error
      }
    }
  }
}
