import * as core from '@actions/core'
import { isRestError } from '@azure/core-rest-pipeline'
import { randomUUID } from 'node:crypto'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { describeAnswer } from '../azure/service-errors.js'
import type { Settings } from '../settings.js'
import { SignInError } from '../sign-in/credential.js'
import { logSafe, trustedLink } from '../untrusted-text.js'
import { untilAborted } from '../workflow-cancellation.js'
import { explainEndpointFailure } from './endpoint-errors.js'
import { buildSubmission, type JobSubmission } from './job-request.js'
import { provenanceTags, runContextFrom } from './provenance.js'
import { parseSubmittedJob, type SubmittedJob } from './submitted-job.js'

const submitTimeoutMs = 30_000

export class EndpointError extends Error {
  override name = 'EndpointError'
  /** The endpoint may have taken the job although no answer said so: an attempt went unanswered or failed with 5xx. */
  jobMayExist = false
}

/**
 * What the attempts of one submission tell about its job: `refused` while every attempt that went out was refused
 * before any job could exist (4xx but 408: a bad request, no access, throttled; or no connection at all), `may-exist`
 * once one went unanswered, or was answered by something that may have taken it first (408, 5xx: a gateway).
 */
export type SubmissionFate = 'refused' | 'may-exist'

// Failures before the request could leave: no connection, no such host, a server certificate not trusted.
const neverSent = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ERR_TLS_.*|.*CERT.*|UNABLE_TO_.*)$/

function refusedOutright(status: number | undefined, errorCode: string | undefined): boolean {
  if (status === undefined) return errorCode !== undefined && neverSent.test(errorCode)
  return status >= 400 && status <= 499 && status !== 408
}

export interface Log {
  info(message: string): void
  debug(message: string): void
}

export interface SubmitControl {
  /** Ends the submission and its retries at once: the workflow run was cancelled. */
  signal?: AbortSignal
  /** The request, as it first goes on the wire (its token in hand): from then on a job may exist. */
  onSending?(submission: JobSubmission): void
  /** Told as each attempt goes out and as each ends: whether a job may exist if the submission stops now. */
  onFate?(fate: SubmissionFate): void
}

export interface SubmitStepControl extends SubmitControl {
  signal: AbortSignal
  /** The job, as soon as the endpoint named it. */
  onSubmitted(job: SubmittedJob): void
}

/**
 * The submission as the workflow sees it: a log group, the job in the log, and its outputs. `control` hears when the
 * request goes out and when the job is known: what the post step needs to find it.
 */
export async function submitStep(
  endpoint: SendAzureRequest,
  settings: Settings,
  control: SubmitStepControl
): Promise<SubmittedJob> {
  // The location holds output-name and output-file-name as the inputs gave them.
  if (settings.results?.chosen) core.info(logSafe(`The job will write its results to ${settings.results.output.uri}`))
  const job = await core.group('Submit the batch scoring job', async () => {
    const provenance = provenanceTags(runContextFrom(process.env))
    const submitted = await untilAborted(submitJob(endpoint, settings, provenance, core, control), control.signal)
    control.onSubmitted(submitted)
    const studio = submitted.studioUrl ? `: ${submitted.studioUrl}` : ''
    core.info(logSafe(`Job ${submitted.name} is ${submitted.status}${studio}`))
    return submitted
  })
  core.setOutput('job-id', job.name)
  core.setOutput('status', job.status)
  core.setOutput('studio-url', job.studioUrl ?? '')
  core.setOutput('job-resource-id', job.id)
  if (settings.job.output) core.setOutput('output-uri', settings.job.output.uri)
  return job
}

export async function submitJob(
  send: SendAzureRequest,
  settings: Settings,
  provenanceTags: Record<string, string>,
  log: Log,
  control: SubmitControl = {}
): Promise<SubmittedJob> {
  const submission = buildSubmission(settings, randomUUID(), provenanceTags)
  let announced = false
  let mayExist = false
  let answer
  try {
    answer = await send({
      method: 'POST',
      url: submission.scoringUri,
      headers: submission.headers,
      body: submission.body,
      timeoutMs: submitTimeoutMs,
      signal: control.signal,
      // Announced once a token is in hand: a failed sign-in is then the last line, not a POST that never left, and
      // a cancellation before it knows that nothing was sent.
      onSending: () => {
        // In flight, an attempt may create the job, whatever came before.
        control.onFate?.('may-exist')
        if (announced) return
        announced = true
        log.info(
          `POST ${submission.scoringUri} (repeatability_request-id ${submission.headers['repeatability_request-id']})`
        )
        control.onSending?.(submission)
      },
      onAttemptEnded: (status, errorCode) => {
        if (!refusedOutright(status, errorCode)) mayExist = true
        control.onFate?.(mayExist ? 'may-exist' : 'refused')
      }
    })
  } catch (error) {
    if (error instanceof SignInError || !isRestError(error) || control.signal?.aborted) throw error
    const failure = new EndpointError(
      `Could not reach the batch endpoint at ${new URL(submission.scoringUri).host}: ${error.message}` +
        `${error.code ? ` (${error.code})` : ''}. Check '${settings.endpointName ? 'endpoint-name' : 'endpoint-uri'}' ` +
        'and, on a self-hosted runner, its network or proxy.',
      { cause: error }
    )
    failure.jobMayExist = mayExist
    throw failure
  }
  const requestId = answer.headers['x-ms-request-id'] ?? answer.headers['x-request-id'] ?? 'none'
  log.debug(`HTTP ${answer.status} after ${answer.attempts} attempt(s), request id ${logSafe(requestId, 100)}`)
  if (answer.status < 200 || answer.status > 299) {
    const failure = new EndpointError(explainEndpointFailure(answer, { ...settings, attempts: answer.attempts }))
    failure.jobMayExist = mayExist
    throw failure
  }
  const job = parseSubmittedJob(answer.bodyText, answer.headers['azureml-model-deployment'])
  // Shown as a link and set as an output: kept only when it leads to the cloud's own Studio.
  return { ...job, studioUrl: trustedLink(job.studioUrl, [settings.cloud.studioHost]) }
}

/**
 * Sends a submission again with the same `repeatability_request-id`: the endpoint answers with the job the first
 * request created, or creates it now if that request never arrived (nothing else can tell the two apart). Undefined
 * when the endpoint refuses the request itself (400, 404): then the first was refused too and no job exists.
 */
export async function replaySubmission(
  send: SendAzureRequest,
  submission: JobSubmission,
  signal?: AbortSignal
): Promise<SubmittedJob | undefined> {
  const answer = await send({
    method: 'POST',
    url: submission.scoringUri,
    headers: submission.headers,
    body: submission.body,
    timeoutMs: submitTimeoutMs,
    signal
  })
  if (answer.status >= 200 && answer.status <= 299) {
    return parseSubmittedJob(answer.bodyText, answer.headers['azureml-model-deployment'])
  }
  if (answer.status === 400 || answer.status === 404) return undefined
  throw new EndpointError(`The endpoint answered the repeated submission with ${describeAnswer(answer)}`)
}
