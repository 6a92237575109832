import * as core from '@actions/core'
import type { Settings } from '../settings.js'
import type { AzureClients } from '../sign-in/azure-clients.js'
import { writeSummary } from '../summary.js'
import { logSafe, markdownSafe } from '../untrusted-text.js'

/**
 * input-path: the files go up to the datastore and become the job's input, and the step says how many went; undefined
 * when nothing changed, and so nothing is to be scored.
 */
export async function uploadStep(
  settings: Settings,
  { credential, arm }: Pick<AzureClients, 'credential' | 'arm'>
): Promise<Settings | undefined> {
  const { upload, workspace } = settings
  if (!upload || !workspace) return settings
  // Loaded only for input-path: the upload path brings the storage SDK and the GitHub API client.
  const { uploadInput } = await import('./upload-input.js')
  const outcome = await core.group('Upload the input files', () =>
    uploadInput({ ...settings, upload, workspace }, credential, arm, {
      info: message => core.info(message),
      mask: secret => core.setSecret(secret)
    })
  )
  if (outcome.kind === 'skipped') {
    // The reason quotes input-path, which may come from event data.
    core.info(`Nothing to score: ${logSafe(outcome.reason)}. No job was submitted.`)
    core.setOutput('status', 'Skipped')
    core.setOutput('uploaded-files', 0)
    core.setOutput('uploaded-bytes', 0)
    await writeSummary(`### Azure ML batch scoring job\n\nSkipped: ${markdownSafe(outcome.reason)}.\n`)
    return undefined
  }
  core.setOutput('uploaded-files', outcome.files)
  core.setOutput('uploaded-bytes', outcome.bytes)
  core.setOutput('input-uri', outcome.inputUri)
  return { ...settings, job: { ...settings.job, inputs: [outcome.input] } }
}
