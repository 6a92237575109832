import { createAzureClient, type SendAzureRequest } from '../azure/azure-pipeline.js'
import { inferenceDomain, trustedScoringUri } from '../job/batch-endpoint-resource.js'
import { submissionTag, type JobSubmission } from '../job/job-request.js'
import { replaySubmission } from '../job/submit.js'
import type { Settings } from '../settings.js'
import { submitRetryLimits, type AzureClients } from '../sign-in/azure-clients.js'
import { logSafe } from '../untrusted-text.js'
import { armJobUrl, cancelJob, readJobStatus } from './arm-job.js'
import { findSubmittedJob, jobSearchBounds, type JobSearchBounds } from './find-submitted-job.js'
import { classifyStatus } from './job-status.js'
import { parseWorkspaceId } from '../workspace-id.js'
import { readLeftoverJob, saveCancelStage, saveFollowEnded, saveSubmittedJob, type LeftoverJob } from './state.js'

/** The saved state names a request or a job this step's inputs would not: post sends nothing on it. */
export class StateMismatchError extends Error {
  override name = 'StateMismatchError'
}

const submissionHeaders = new Set(['content-type', 'repeatability_request-id', 'azureml-model-deployment'])
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * What in the saved state does not match the step's inputs, or undefined. The state is a file on the runner that
 * anything in the job can write, and post hands tokens on its word: the ML token goes only to 'endpoint-uri', with the
 * headers a submission has, and a job is cancelled only if it is one the inputs could have started.
 */
export function stateMismatch(left: LeftoverJob, settings: Settings): string | undefined {
  const submission = left.submission
  if (submission) {
    if (settings.jobId) return "a submission is saved, but with 'job-id' the step submits nothing"
    const mismatch = scoringUriMismatch(submission.scoringUri, settings)
    if (mismatch) return mismatch
    const headers = Object.keys(submission.headers)
    const odd = headers.find(name => !submissionHeaders.has(name) || typeof submission.headers[name] !== 'string')
    if (odd !== undefined) return `the saved submission carries a header '${odd}' no submission has`
    if (!uuid.test(submission.headers['repeatability_request-id'] ?? '')) {
      return "the saved submission's repeatability_request-id is not a UUID"
    }
    if (submission.headers['azureml-model-deployment'] !== settings.deploymentName) {
      return "the saved submission's deployment is not 'deployment-name'"
    }
  }
  if (left.job) {
    const workspace = parseWorkspaceId(left.job.id)
    const below = /^(?:\/batchEndpoints\/[^/]+\/deployments\/[^/]+)?\/jobs\/([\w.-]+)$/i.exec(workspace?.below ?? '')
    if (!workspace || below?.[1] !== left.job.name) {
      return `the saved job id '${left.job.id}' is not the id of a job named '${left.job.name}' in a workspace`
    }
    if (settings.workspace && workspace.workspace.toLowerCase() !== settings.workspace.toLowerCase()) {
      return `the saved job '${left.job.name}' is in workspace '${workspace.workspace}', not in 'workspace'`
    }
  }
  return undefined
}

/**
 * With endpoint-uri the saved URI must be that input. With endpoint-name, post does not read the endpoint again: the
 * saved URI is taken only where resolveEndpoint would have taken it, https on the cloud's batch inference domain, so
 * the ML token still goes nowhere else.
 */
function scoringUriMismatch(saved: string, settings: Settings): string | undefined {
  if (settings.endpointName) {
    if (trustedScoringUri(saved, settings.cloud.name) === saved) return undefined
    return `the saved submission's scoring URI '${saved}' is not on ${inferenceDomain(settings.cloud.name)}`
  }
  if (saved !== settings.scoringUri) {
    return `the saved submission's scoring URI '${saved}' is not 'endpoint-uri' (${settings.scoringUri})`
  }
  return undefined
}

/**
 * After the workflow run was cancelled, makes sure no job it started outlives it, from the state main saved. Main
 * calls this when the cancel reached it outside the wait; post calls it when main could not finish.
 *
 * A job whose name is known is cancelled through ARM. A submission that was on its way when the run was cancelled
 * (main aborted or killed mid-POST) may have created a job nobody has heard of: it is found and cancelled as
 * `locateSubmittedJob` says.
 *
 * Returns what was done, for the log, as the end of a sentence.
 */
export async function cancelLeftoverJob(
  settings: Settings,
  clients: Pick<AzureClients, 'endpoint' | 'arm'>,
  signal?: AbortSignal,
  bounds: JobSearchBounds = jobSearchBounds
) {
  const left = readLeftoverJob()
  if (!left) return 'nothing was submitted.'
  if (left.ended || left.cancel === 'sent') return 'nothing is left to cancel.'
  const mismatch = stateMismatch(left, settings)
  if (mismatch) {
    throw new StateMismatchError(
      `the state saved for this step does not match its inputs: ${logSafe(mismatch)}. Nothing was sent; ` +
        'if the run created a job, cancel it in Azure ML studio.'
    )
  }
  if (!settings.follow.cancelOnWorkflowCancel) {
    return 'the Azure job, if one was created, is left running, as cancel-on-workflow-cancel is false.'
  }
  let job = left.job
  if (!job && left.refused) {
    saveFollowEnded()
    return 'the endpoint refused every attempt of the submission before creating a job, so there is none.'
  }
  if (!job && left.submission) {
    const located = await locateSubmittedJob(settings, clients.arm, clients.endpoint, left.submission, signal, bounds)
    if (!located.job) {
      saveFollowEnded()
      return `no job was started: ${located.how}.`
    }
    job = located.job
    saveSubmittedJob(job.name, job.id)
  }
  if (!job) return 'nothing was submitted.'
  return cancelNamedJob(job, settings, clients.arm, signal)
}

async function cancelNamedJob(
  job: { name: string; id: string },
  settings: Settings,
  arm: AzureClients['arm'],
  signal?: AbortSignal
): Promise<string> {
  const jobName = logSafe(job.name)
  const jobUrl = armJobUrl(settings.resourceManager, job.id, job.name)
  // A status that cannot be read (an odd answer, a 404 of a job ARM does not show yet) is taken as still running.
  const read = await readJobStatus(arm, jobUrl, signal)
  if ('status' in read && (classifyStatus(read.status) !== 'running' || read.status === 'CancelRequested')) {
    saveFollowEnded()
    return `job ${jobName} is ${logSafe(read.status)}: nothing to cancel.`
  }
  saveCancelStage('sending')
  await cancelJob(arm, jobUrl, signal)
  saveCancelStage('sent')
  return `asked Azure to cancel job ${jobName}.`
}

/**
 * Main's submission failed without saying whether the endpoint took the job: an attempt's answer never came, or came
 * as a 408 or 5xx, which a gateway can send after the service took it. The step ends only once it knows: a job that
 * exists is cancelled (the step has failed; nothing would follow it). Returns what was found, as the sentence that
 * ends the step's message.
 */
export async function settleUnknownSubmission(
  settings: Settings,
  clients: Pick<AzureClients, 'credential' | 'arm'>,
  signal?: AbortSignal,
  bounds: JobSearchBounds = jobSearchBounds
): Promise<string> {
  const submission = readLeftoverJob()?.submission
  if (!submission) return 'No request reached the endpoint: no job was started.'
  // One attempt: the submission's own retries have already waited on this endpoint.
  const once = createAzureClient(clients.credential, settings.cloud.mlScope, { ...submitRetryLimits, maxAttempts: 1 })
  let located
  try {
    located = await locateSubmittedJob(settings, clients.arm, once, submission, signal, bounds)
  } catch (error) {
    if (signal?.aborted) throw error
    const reason = logSafe(error instanceof Error ? error.message : String(error))
    return (
      `Whether the endpoint took the job is unknown: ${reason}. ` +
      `Look in Azure ML studio for a job tagged ${submissionTag} ${submission.headers['repeatability_request-id']} ` +
      'before re-running.'
    )
  }
  if (!located.job) {
    saveFollowEnded()
    return `No job was started: ${located.how}.`
  }
  saveSubmittedJob(located.job.name, located.job.id)
  const cancelled = await cancelNamedJob(located.job, settings, clients.arm, signal)
  return `The endpoint took the job although its answer said otherwise: ${located.how}; ${cancelled}`
}

/**
 * The job a submission created, if any, told apart without creating one wherever possible. With 'workspace' given,
 * Resource Manager is asked for the job carrying the submission's tag (read-only). Only where that cannot tell (no
 * workspace, or the list cannot be read) is the submission sent again with the same `repeatability_request-id`: the
 * endpoint answers with the job it took, refuses the request (and so refused the first), or, had the first never
 * reached it, creates the job now, to be cancelled at once. `how` says which, for the log.
 */
async function locateSubmittedJob(
  settings: Settings,
  arm: SendAzureRequest,
  endpoint: SendAzureRequest,
  submission: JobSubmission,
  signal: AbortSignal | undefined,
  bounds: JobSearchBounds
): Promise<{ job?: { name: string; id: string }; how: string }> {
  const id = submission.headers['repeatability_request-id'] ?? ''
  let unlisted = ''
  if (settings.workspace) {
    const search = await findSubmittedJob(arm, `${settings.resourceManager}${settings.workspace}`, id, signal, bounds)
    if ('found' in search) {
      const name = logSafe(search.found.name)
      return { job: search.found, how: `Resource Manager lists job ${name}, tagged with this submission's id` }
    }
    if ('absent' in search) return { how: search.absent }
    unlisted = `${logSafe(search.unknown)}, so `
  }
  const job = await replaySubmission(endpoint, submission, signal)
  if (!job) {
    return { how: `${unlisted}sent again with the same repeatability_request-id, the submission was refused` }
  }
  const how = `${unlisted}sent again with the same repeatability_request-id, the submission names job ${logSafe(job.name)}`
  return { job, how }
}
