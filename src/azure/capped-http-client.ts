import {
  createDefaultHttpClient,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse
} from '@azure/core-rest-pipeline'

/**
 * How much of an answer is read. Everything this action reads is small: a job is a few KB, an error or a token a few
 * KB, OpenID metadata about 2 KB. A MiB is far above any of them and still bounds what one answer can cost in memory.
 */
export const answerCapBytes = 1024 * 1024
export const answerCutNote = `…(answer cut at ${answerCapBytes / (1024 * 1024)} MiB)`

/**
 * The SDK's HTTP client, reading each answer only up to `capBytes`: the rest is not downloaded, the connection is
 * closed. The SDK would otherwise buffer a whole body, however large, and the attempt's timeout would stop at the
 * headers; here reading the body stays within the request's timeout and abort signal. A request that asks for the
 * stream itself (a blob download) gets it as it is.
 */
export function cappedHttpClient(inner: HttpClient = createDefaultHttpClient(), capBytes = answerCapBytes): HttpClient {
  return {
    async sendRequest(request) {
      if (request.streamResponseStatusCodes?.size) return inner.sendRequest(request)
      const startedAt = Date.now()
      let response: PipelineResponse
      request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY])
      try {
        response = await inner.sendRequest(request)
      } finally {
        // The retry policy sends the same request object again; the next attempt must be capped as well.
        request.streamResponseStatusCodes = undefined
      }
      const stream = response.readableStreamBody
      if (!stream) return response
      response.readableStreamBody = undefined
      response.bodyAsText = await readCapped(stream, capBytes, request, startedAt)
      return response
    }
  }
}

async function readCapped(
  stream: NodeJS.ReadableStream,
  capBytes: number,
  request: PipelineRequest,
  startedAt: number
): Promise<string> {
  const body = stream as NodeJS.ReadableStream & { destroy(error?: Error): void }
  // In Node every signal the SDK passes on is a real AbortSignal.
  const signals = [request.abortSignal as AbortSignal | undefined]
  if (request.timeout > 0) signals.push(AbortSignal.timeout(Math.max(0, request.timeout - (Date.now() - startedAt))))
  const stop = AbortSignal.any(signals.filter(s => s !== undefined))
  const onStop = () => body.destroy(abortError(request))
  stop.addEventListener('abort', onStop, { once: true })
  const chunks: Buffer[] = []
  let length = 0
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
      chunks.push(buffer)
      length += buffer.length
      if (length >= capBytes) {
        body.destroy()
        return `${Buffer.concat(chunks).subarray(0, capBytes).toString('utf8')}${answerCutNote}`
      }
    }
  } catch (error) {
    if (stop.aborted) throw abortError(request)
    throw error
  } finally {
    stop.removeEventListener('abort', onStop)
  }
  return Buffer.concat(chunks).toString('utf8')
}

// The same error the SDK's client gives for a request that ran past its timeout or was aborted, so that the policies
// around it (timeoutAsNetworkErrorPolicy, the retry policy) treat both alike.
function abortError(request: PipelineRequest): Error {
  const error = new Error(`The answer from ${new URL(request.url).host} did not arrive in time.`)
  error.name = 'AbortError'
  return error
}
