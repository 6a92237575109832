import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  retryPolicy,
  type HttpMethods,
  type PipelineRequest,
  type PipelineResponse
} from '@azure/core-rest-pipeline'
import type { TokenCredential } from '@azure/identity'
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
  timeoutMs: number
  /** Ends the request (and any retry wait) early: the workflow was cancelled. */
  signal?: AbortSignal
  /** Called as each attempt goes on the wire, its token in hand: from then on the service may act on it. */
  onSending?: () => void
}

export interface AzureResponse {
  status: number
  headers: Record<string, string>
  bodyText: string
  /** How many times the request was sent, retries included. */
  attempts: number
}

export type SendAzureRequest = (request: AzureRequest) => Promise<AzureResponse>

/**
 * One authenticated HTTP client per Azure plane, built on the Azure SDK's pipeline: it brings proxy support
 * (HTTPS_PROXY/NO_PROXY on self-hosted runners), keep-alive, the user agent and token caching/refresh; the default
 * retry policy is replaced by one with this action's budget.
 */
export function createAzureClient(
  credential: TokenCredential,
  scope: string,
  limits: RetryLimits,
  onRetry?: (reason: string, delayMs: number) => void
): SendAzureRequest {
  const pipeline = createPipelineFromOptions({
    userAgentOptions: { userAgentPrefix: userAgent },
    // Not secret, and what a support case needs; the SDK's debug log redacts headers it does not know.
    loggingOptions: { additionalAllowedHeaderNames: loggedHeaders }
  })
  pipeline.removePolicy({ name: 'defaultRetryPolicy' })
  pipeline.addPolicy(retryPolicy([transientRetryStrategy(limits, onRetry)], { maxRetries: limits.maxAttempts - 1 }), {
    phase: 'Retry'
  })
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
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: scope }), { phase: 'Sign' })
  const onSending = new WeakMap<PipelineRequest, () => void>()
  pipeline.addPolicy(
    {
      name: 'announceSending',
      sendRequest: (request, next) => {
        if (!request.abortSignal?.aborted) onSending.get(request)?.()
        return next(request)
      }
    },
    { afterPhase: 'Sign' }
  )
  const httpClient = createDefaultHttpClient()

  return async request => {
    const pipelineRequest = createPipelineRequest({
      url: request.url,
      method: request.method,
      headers: createHttpHeaders(request.headers),
      body: request.body,
      timeout: request.timeoutMs,
      abortSignal: request.signal
    })
    if (request.onSending) onSending.set(pipelineRequest, request.onSending)
    const response: PipelineResponse = await pipeline.sendRequest(httpClient, pipelineRequest)
    return {
      status: response.status,
      headers: response.headers.toJSON(),
      bodyText: response.bodyAsText ?? '',
      attempts: attempts.get(pipelineRequest) ?? 1
    }
  }
}
