import * as core from '@actions/core'
import { readExistingJob } from './follow/existing-job.js'
import { isDataAssetShortName } from './job/data-uri.js'
import type { ResolvedEndpoint } from './job/endpoint-by-name.js'
import { describeEndpoint, readNamedEndpoint } from './job/endpoint-step.js'
import { buildSubmission } from './job/job-request.js'
import { provenanceTags, runContextFrom } from './job/provenance.js'
import type { Settings } from './settings.js'
import type { AzureClients } from './sign-in/azure-clients.js'
import { describeSignIn } from './sign-in/sign-in.js'
import { formatBytes } from './storage/progress.js'
import { writeSummary } from './summary.js'
import type { LocalFile } from './upload/local-files.js'
import { codeBlock, logSafe } from './untrusted-text.js'

// A long list of files would bury the request; the count and the first ones say enough.
const filesShown = 50

/**
 * dry-run: the request the action would make, in the log and the step summary; nothing is submitted. With
 * endpoint-name or job-id it signs in (`signIn`) and reads the endpoint or the job, which only GETs, so that it fails
 * where the real run would and shows the scoring URI and deployment it would use.
 */
export async function dryRun(settings: Settings, signIn: () => AzureClients, signal: AbortSignal): Promise<void> {
  let text: string
  if (settings.jobId && settings.workspace) {
    const { arm } = signIn()
    const { job } = await readExistingJob(arm, settings.resourceManager, settings.workspace, settings.jobId, signal)
    text = [
      'Dry run: the inputs are valid. Only the job was read; nothing was submitted or cancelled.',
      '',
      `Job ${job.name} is ${job.status}; the action would follow it through ${settings.resourceManager}.`
    ].join('\n')
  } else {
    let endpoint: ResolvedEndpoint | undefined
    if (settings.endpointName) {
      endpoint = await readNamedEndpoint(settings, signIn().arm, signal)
      settings = { ...settings, scoringUri: endpoint.scoringUri }
    }
    const { files, skipped } = await filesToUpload(settings)
    text = describeDryRun(settings, provenanceTags(runContextFrom(process.env)), files, skipped, endpoint)
  }
  for (const line of text.split('\n')) core.info(logSafe(line))
  await writeSummary(`### Azure ML batch scoring job: dry run\n\n${codeBlock(text)}\n`)
}

/**
 * The files the upload would take, found as it finds them (changed-only included): a dry run fails where the upload
 * would, and lists what it would send.
 */
async function filesToUpload(settings: Settings): Promise<{ files: LocalFile[]; skipped?: string }> {
  if (!settings.upload) return { files: [] }
  const upload = await import('./upload/upload-input.js')
  return upload.filesToUpload(settings.upload, { info: message => core.info(message), mask: core.setSecret })
}

/**
 * What the action would send, for a workflow author to check without touching Azure. There is no Authorization
 * header to leave out: tokens are only added when a request is sent, and a dry run sends none. `files` are those
 * the upload would take; `skipped` says why there are none, when changed-only leaves none.
 */
export function describeDryRun(
  settings: Settings,
  provenanceTags: Record<string, string>,
  files: LocalFile[] = [],
  skipped?: string,
  /** endpoint-name: the endpoint as Resource Manager showed it. */
  endpoint?: ResolvedEndpoint
): string {
  const submission = buildSubmission(settings, '<a new UUID per submission>', provenanceTags)
  const lines = [
    endpoint
      ? 'Dry run: the inputs are valid. Only the batch endpoint was read; this is the request the action would make.'
      : 'Dry run: the inputs are valid. Nothing was sent to Azure; this is the request the action would make.',
    '',
    ...(endpoint ? [describeEndpoint(settings, endpoint)] : []),
    `Sign in as the ${describeSignIn(settings.signIn)} at ${settings.authorityHost}, for ${settings.cloud.mlScope}`,
    `POST ${submission.scoringUri}`,
    ...Object.entries(submission.headers).map(([name, value]) => `${name}: ${value}`),
    '',
    JSON.stringify(JSON.parse(submission.body), null, 2)
  ]
  if (settings.upload) {
    const { inputPath, datastore, prefix, changedOnly } = settings.upload
    const bytes = files.reduce((sum, file) => sum + file.size, 0)
    lines.push(
      '',
      `Before sending, the files '${logSafe(inputPath)}' matches${changedOnly ? ' (those the push changed)' : ''} ` +
        `would be uploaded to datastore ${datastore} under ${prefix}/, and InputData would name that folder: ` +
        `azureml://datastores/${datastore}/paths/${prefix}/`,
      `It ${changedOnly ? 'takes' : 'matches'} ${files.length} file${files.length === 1 ? '' : 's'}, ${formatBytes(bytes)}, in the workspace:`,
      ...files
        .slice(0, filesShown)
        .map(file => `  ${logSafe(file.workspacePath)} -> ${prefix}/${logSafe(file.uploadPath)}`),
      ...(files.length > filesShown ? [`  and ${files.length - filesShown} more`] : []),
      ...(skipped ? [`Nothing would be uploaded or submitted: ${logSafe(skipped)}.`] : [])
    )
  }
  const shortNames = settings.job.inputs.filter(i => i.kind === 'data' && isDataAssetShortName(i.uri))
  if (shortNames.length > 0) {
    lines.push(
      '',
      `Before sending, data asset short names would be replaced by their ARM ids, looked up in ${settings.workspace}: ` +
        shortNames.map(i => (i.kind === 'data' ? i.uri : '')).join(', ')
    )
  }
  if (settings.follow.wait) lines.push('', `Then the job would be followed through ${settings.resourceManager}.`)
  if (settings.results) {
    lines.push(
      '',
      `Once the job Completed, its output ${settings.results.output.uri} would be downloaded into ` +
        `${settings.results.downloadPath}.`
    )
  }
  return lines.join('\n')
}
