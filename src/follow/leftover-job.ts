import { replaySubmission } from '../job/submit.js'
import type { Settings } from '../settings.js'
import type { AzureClients } from '../sign-in/azure-clients.js'
import { logSafe } from '../untrusted-text.js'
import { armJobUrl, cancelJob, readJobStatus } from './arm-job.js'
import { classifyStatus } from './job-status.js'
import { readLeftoverJob, saveCancelStage, saveFollowEnded, saveSubmittedJob } from './state.js'

/**
 * After the workflow run was cancelled, makes sure no job it started outlives it, from the state main saved. Main
 * calls this when the cancel reached it outside the wait; post calls it when main could not finish.
 *
 * A job whose name is known is cancelled through ARM. A submission that was on its way when the run was cancelled
 * (main aborted or killed mid-POST) may have created a job nobody has heard of: it is sent again with the same
 * `repeatability_request-id`, which the endpoint answers with the job it already created for that id, and that job
 * is cancelled. Only when the first request never reached the endpoint does the replay create the job, to be
 * cancelled at once: nothing else can tell those two cases apart.
 *
 * Returns what was done, for the log, as the end of a sentence.
 */
export async function cancelLeftoverJob(
  settings: Settings,
  clients: Pick<AzureClients, 'endpoint' | 'arm'>,
  signal?: AbortSignal
) {
  const left = readLeftoverJob()
  if (!left) return 'nothing was submitted.'
  if (left.ended || left.cancel === 'sent') return 'nothing is left to cancel.'
  if (!settings.follow.cancelOnWorkflowCancel) {
    return 'the Azure job, if one was created, is left running, as cancel-on-workflow-cancel is false.'
  }
  let job = left.job
  if (!job && left.refused) {
    saveFollowEnded()
    return 'the endpoint refused every attempt of the submission before creating a job, so there is none.'
  }
  if (!job && left.submission) {
    job = await replaySubmission(clients.endpoint, left.submission, signal)
    if (!job) {
      saveFollowEnded()
      return 'the endpoint refuses the submission, so it created no job.'
    }
    saveSubmittedJob(job.name, job.id)
  }
  if (!job) return 'nothing was submitted.'
  const jobName = logSafe(job.name)
  const jobUrl = armJobUrl(settings.resourceManager, job.id, job.name)
  // A status that cannot be read (an odd answer, a 404 of a job ARM does not show yet) is taken as still running.
  const read = await readJobStatus(clients.arm, jobUrl, signal)
  if ('status' in read && (classifyStatus(read.status) !== 'running' || read.status === 'CancelRequested')) {
    saveFollowEnded()
    return `job ${jobName} is ${logSafe(read.status)}: nothing to cancel.`
  }
  saveCancelStage('sending')
  await cancelJob(clients.arm, jobUrl, signal)
  saveCancelStage('sent')
  return `asked Azure to cancel job ${jobName}.`
}
