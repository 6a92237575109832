import { createHttpHeaders, createPipelineRequest, RestError, type PipelineResponse } from '@azure/core-rest-pipeline'
import { isTransient, retryAfterMs, transientRetryStrategy, type RetryLimits } from '../../src/azure/retry.js'

const request = createPipelineRequest({ url: 'https://ep.example/jobs', method: 'POST' })
function response(status: number, headers: Record<string, string> = {}): PipelineResponse {
  return { status, headers: createHttpHeaders(headers), request }
}
const limits: RetryLimits = {
  maxAttempts: 5,
  maxElapsedMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 16_000,
  maxTotalMs: 120_000
}

describe('isTransient', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %s', status => {
    expect(isTransient(response(status), undefined)).toBe(true)
  })
  it.each([400, 401, 403, 404, 409, 501])('does not retry HTTP %s', status => {
    expect(isTransient(response(status), undefined)).toBe(false)
  })
  it('retries any error response that carries Retry-After', () => {
    expect(isTransient(response(409, { 'retry-after': '2' }), undefined)).toBe(true)
  })
  it('does not repeat an accepted request because it carries Retry-After', () => {
    expect(isTransient(response(202, { 'retry-after': '10' }), undefined)).toBe(false)
  })
  it('retries connection failures but not TLS failures', () => {
    expect(isTransient(undefined, new RestError('reset', { code: 'ECONNRESET' }))).toBe(true)
    expect(isTransient(undefined, new RestError('bad cert', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe(false)
  })
})

describe('retryAfterMs', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(response(429, { 'retry-after': '7' }), 0)).toBe(7_000)
    expect(retryAfterMs(response(429, { 'retry-after-ms': '250' }), 0)).toBe(250)
    expect(retryAfterMs(response(429, { 'x-ms-retry-after-ms': '40' }), 0)).toBe(40)
    const now = Date.parse('2026-11-27T03:00:00Z')
    expect(retryAfterMs(response(503, { 'retry-after': 'Fri, 27 Nov 2026 03:00:12 GMT' }), now)).toBe(12_000)
    expect(retryAfterMs(response(503), now)).toBeUndefined()
  })
})

describe('transientRetryStrategy', () => {
  function strategyAt(times: number[]) {
    let i = 0
    return transientRetryStrategy(
      limits,
      undefined,
      { now: () => times[Math.min(i++, times.length - 1)] ?? 0 },
      () => 0.5
    )
  }

  it('backs off exponentially when the service gives no Retry-After', () => {
    const strategy = strategyAt([0])
    const delays = [0, 1, 2, 3].map(
      retryCount => strategy.retry({ retryCount, response: response(500) }).retryAfterInMs
    )
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000])
  })

  it('waits what Retry-After asks', () => {
    expect(strategyAt([0]).retry({ retryCount: 0, response: response(503, { 'retry-after': '3' }) })).toEqual({
      retryAfterInMs: 3_000
    })
  })

  it('reports each retry it schedules', () => {
    const retries: string[] = []
    const strategy = transientRetryStrategy(
      limits,
      (reason, ms) => retries.push(`${reason} ${ms}`),
      { now: () => 0 },
      () => 0.5
    )
    strategy.retry({ retryCount: 0, response: response(429, { 'retry-after': '2' }) })
    strategy.retry({ retryCount: 1, responseError: new RestError('reset', { code: 'ECONNRESET' }) })
    strategy.retry({ retryCount: 2, response: response(400) })
    expect(retries).toEqual(['HTTP 429 2000', 'ECONNRESET 2000'])
  })

  it('stops after the last attempt', () => {
    expect(strategyAt([0]).retry({ retryCount: 4, response: response(500) })).toEqual({ skipStrategy: true })
  })

  it('stops when the wait would pass the time budget', () => {
    const strategy = strategyAt([0, 50_000])
    expect(strategy.retry({ retryCount: 0, response: response(503, { 'retry-after': '5' }) }).retryAfterInMs).toBe(
      5_000
    )
    expect(strategy.retry({ retryCount: 1, response: response(503, { 'retry-after': '15' }) })).toEqual({
      skipStrategy: true
    })
  })

  it('leaves answers that are not transient alone', () => {
    expect(strategyAt([0]).retry({ retryCount: 0, response: response(403) })).toEqual({ skipStrategy: true })
  })
})
