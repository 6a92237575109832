import { isRestError } from '@azure/core-rest-pipeline'
import { randomUUID } from 'node:crypto'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import type { RetryLimits } from '../azure/retry.js'
import { explainEndpointFailure } from '../azure/service-errors.js'
import type { Settings } from '../settings.js'
import { SignInError } from '../sign-in/credential.js'
import { logSafe, trustedLink } from '../untrusted-text.js'
import { buildSubmission } from './job-request.js'
import { parseSubmittedJob, type SubmittedJob } from './submitted-job.js'

/** Retries of one submission stay within about a minute; each attempt gets its own timeout; all of it two minutes. */
export const submitRetryLimits: RetryLimits = {
  maxAttempts: 5,
  maxElapsedMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 16_000,
  maxTotalMs: 120_000
}
const submitTimeoutMs = 30_000

export class EndpointError extends Error {
  override name = 'EndpointError'
}

export interface Log {
  info(message: string): void
  debug(message: string): void
}

export async function submitJob(
  send: SendAzureRequest,
  settings: Settings,
  provenanceTags: Record<string, string>,
  log: Log
): Promise<SubmittedJob> {
  const submission = buildSubmission(settings, randomUUID(), provenanceTags)
  let answer
  try {
    answer = await send({
      method: 'POST',
      url: submission.scoringUri,
      headers: submission.headers,
      body: submission.body,
      timeoutMs: submitTimeoutMs,
      // Logged once a token is in hand, so that a failed sign-in is the last line, not a POST that never left.
      onSigned: () =>
        log.info(
          `POST ${submission.scoringUri} (repeatability_request-id ${submission.headers['repeatability_request-id']})`
        )
    })
  } catch (error) {
    if (error instanceof SignInError || !isRestError(error)) throw error
    throw new EndpointError(
      `Could not reach the batch endpoint at ${new URL(submission.scoringUri).host}: ${error.message}` +
        `${error.code ? ` (${error.code})` : ''}. Check 'endpoint-uri' and, on a self-hosted runner, its network or proxy.`,
      { cause: error }
    )
  }
  const requestId = answer.headers['x-ms-request-id'] ?? answer.headers['x-request-id'] ?? 'none'
  log.debug(`HTTP ${answer.status} after ${answer.attempts} attempt(s), request id ${logSafe(requestId, 100)}`)
  if (answer.status < 200 || answer.status > 299) {
    throw new EndpointError(explainEndpointFailure(answer, { ...settings, attempts: answer.attempts }))
  }
  const job = parseSubmittedJob(answer.bodyText, answer.headers['azureml-model-deployment'])
  // Shown as a link and set as an output: kept only when it leads to the cloud's own Studio.
  return { ...job, studioUrl: trustedLink(job.studioUrl, [settings.cloud.studioHost]) }
}
