import {
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  isRestError,
  RestError,
  retryPolicy,
  type HttpMethods,
  type PipelineRequest,
  type PipelineResponse
} from '@azure/core-rest-pipeline'
import type { TokenCredential } from '@azure/identity'
import { bearerTokenPolicy } from './bearer-token-policy.js'
import { cappedHttpClient } from './capped-http-client.js'
import { earlyConnectionAgent } from './early-connection.js'
import { timeoutAsNetworkErrorPolicy, transientRetryStrategy, type RetryLimits } from './retry.js'

export const userAgent = 'azureml-batch-score-action'
const loggedHeaders = [
  'x-request-id',
  'x-ms-request-id',
  'azureml-model-deployment',
  'repeatability_request-id',
  'retry-after'
]

export interface AzureRequest {
  method: HttpMethods
  url: string
  headers?: Record<string, string>
  body?: string
  /** Each attempt ends after this long without an answer (body included). */
  timeoutMs: number
  /** Ends the request (and any retry wait) early: the workflow was cancelled. */
  signal?: AbortSignal
  /** Called as each attempt goes on the wire, its token in hand: from then on the service may act on it. */
  onSending?: () => void
  /** Called as each attempt that went on the wire ends: with the status it was answered with, or why none came. */
  onAttemptEnded?: (status: number | undefined, errorCode?: string) => void
}

export interface AzureResponse {
  status: number
  headers: Record<string, string>
  /** The answer, read up to answerCapBytes: a longer one ends with answerCutNote. */
  bodyText: string
  /** How many times the request was sent, retries included. */
  attempts: number
}

export type SendAzureRequest = (request: AzureRequest) => Promise<AzureResponse>

export interface ClientOptions {
  /** Told before each retry: why, and how long until it. */
  onRetry?(reason: string, delayMs: number): void
  /** How much of an answer is read; answerCapBytes unless said. */
  answerCapBytes?: number
  /** Open the connection to a host when the first request there is made, beside its token (early-connection.ts). */
  connectEarly?: boolean
}

/**
 * One authenticated HTTP client per Azure plane, built on the Azure SDK's pipeline: it brings proxy support
 * (HTTPS_PROXY/NO_PROXY on self-hosted runners), keep-alive and the user agent; the default retry policy is replaced by
 * one with this action's budget, and tokens are held and renewed by bearer-token-policy.ts, never in the background.
 * Each request, its token included, ends within `limits.maxTotalMs`: a token refresh that hangs cannot hold a status
 * read or a cancel for longer. GitHub's API is asked through one too, without a credential.
 */
export function createAzureClient(
  /** undefined: requests go without an Authorization header (pre-signed URLs such as run logs). */
  credential: TokenCredential | undefined,
  scope: string,
  limits: RetryLimits,
  options: ClientOptions = {}
): SendAzureRequest {
  const pipeline = createPipelineFromOptions({
    userAgentOptions: { userAgentPrefix: userAgent },
    // Not secret, and what a support case needs; the SDK's debug log redacts headers it does not know.
    loggingOptions: { additionalAllowedHeaderNames: loggedHeaders }
  })
  pipeline.removePolicy({ name: 'defaultRetryPolicy' })
  const retry = retryPolicy([transientRetryStrategy(limits, options.onRetry)], { maxRetries: limits.maxAttempts - 1 })
  pipeline.addPolicy(retry, { phase: 'Retry' })
  pipeline.addPolicy(timeoutAsNetworkErrorPolicy(), { afterPhase: 'Retry' })
  const attempts = new WeakMap<PipelineRequest, number>()
  pipeline.addPolicy(
    {
      name: 'countAttempts',
      sendRequest: (request, next) => {
        attempts.set(request, (attempts.get(request) ?? 0) + 1)
        return next(request)
      }
    },
    { afterPhase: 'Retry' }
  )
  if (credential) pipeline.addPolicy(bearerTokenPolicy(credential, scope), { phase: 'Sign' })
  const watchers = new WeakMap<PipelineRequest, Pick<AzureRequest, 'onSending' | 'onAttemptEnded'>>()
  pipeline.addPolicy(
    {
      name: 'announceSending',
      sendRequest: async (request, next) => {
        // An attempt already cancelled is never put on the wire: neither announced nor reported.
        const watcher = request.abortSignal?.aborted ? undefined : watchers.get(request)
        watcher?.onSending?.()
        let status: number | undefined
        let code: string | undefined
        try {
          const response = await next(request)
          status = response.status
          return response
        } catch (error) {
          status = isRestError(error) ? error.statusCode : undefined
          code = isRestError(error) ? error.code : undefined
          throw error
        } finally {
          watcher?.onAttemptEnded?.(status, code)
        }
      }
    },
    { afterPhase: 'Sign' }
  )
  const httpClient = cappedHttpClient(undefined, options.answerCapBytes)
  const agent = options.connectEarly ? earlyConnectionAgent() : undefined

  return async request => {
    const total = AbortSignal.timeout(limits.maxTotalMs)
    const pipelineRequest = createPipelineRequest({
      url: request.url,
      method: request.method,
      headers: createHttpHeaders(request.headers),
      body: request.body,
      timeout: request.timeoutMs,
      // The bearer policy hands this signal to getToken too, so it also ends a token wait.
      abortSignal: request.signal ? AbortSignal.any([request.signal, total]) : total
    })
    watchers.set(pipelineRequest, { onSending: request.onSending, onAttemptEnded: request.onAttemptEnded })
    if (agent) {
      agent.connectEarly(request.url)
      pipelineRequest.agent = agent
    }
    let response: PipelineResponse
    try {
      response = await pipeline.sendRequest(httpClient, pipelineRequest)
    } catch (error) {
      // Only a cut made by the total bound is reported as one; a sign-in failure says more about what it waited on.
      const aborted = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')
      if (!aborted || !total.aborted || request.signal?.aborted) throw error
      throw new RestError(
        `No answer from ${new URL(request.url).host} within ${limits.maxTotalMs / 1000} s in all ` +
          '(the token, every attempt and the pauses between them)',
        { code: 'ETIMEDOUT', request: pipelineRequest }
      )
    }
    return {
      status: response.status,
      headers: response.headers.toJSON(),
      bodyText: response.bodyAsText ?? '',
      attempts: attempts.get(pipelineRequest) ?? 1
    }
  }
}
