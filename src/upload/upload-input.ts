import { filesAtOnce } from '../storage/blob-container.js'
import type { TokenCredential } from '@azure/identity'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import type { JobInput } from '../job/job-definition.js'
import type { Settings, UploadSettings } from '../settings.js'
import { withDatastoreContainer } from '../storage/container-access.js'
import { changedFiles } from './github-changes.js'
import { findInputFiles, workspaceFolder, type LocalFile } from './local-files.js'
import { describeUpload, uploadFiles } from './upload.js'
import { refuseUsedPrefix } from './upload-prefix.js'

export type UploadOutcome =
  | { kind: 'skipped'; reason: string }
  | { kind: 'uploaded'; files: number; bytes: number; input: JobInput; inputUri: string }

export interface UploadLog {
  info(message: string): void
  mask(secret: string): void
}

/**
 * `input-path`: the files it names in the checkout (of them, with changed-only, those the push added or modified)
 * go up to the workspace datastore under a prefix of their own, and the job scores exactly that folder.
 */
export async function uploadInput(
  settings: Settings & { upload: UploadSettings; workspace: string },
  credential: TokenCredential,
  arm: SendAzureRequest,
  log: UploadLog
): Promise<UploadOutcome> {
  const { upload, workspace } = settings
  const { files, skipped } = await filesToUpload(upload, log)
  if (skipped !== undefined) return { kind: 'skipped', reason: skipped }
  log.info(`Uploading ${describeUpload(files)} to datastore ${upload.datastore}, under ${upload.prefix}/`)
  const access = {
    arm,
    resourceManager: settings.resourceManager,
    workspace,
    datastore: upload.datastore,
    cloud: settings.cloud,
    credential,
    log
  }
  await withDatastoreContainer(access, { verb: 'write', role: 'Storage Blob Data Contributor' }, async container => {
    if (upload.prefixGiven) await refuseUsedPrefix(container, upload.prefix, upload.datastore)
    await uploadFiles(container, files, {
      prefix: upload.prefix,
      concurrency: filesAtOnce,
      log: line => log.info(line)
    })
  })
  return uploaded(files, upload)
}

/**
 * The files the upload takes: what input-path matches and, with changed-only, of them those the event added or
 * modified. `skipped` says why there are none. The dry run lists these same files.
 */
export async function filesToUpload(
  upload: UploadSettings,
  log: UploadLog
): Promise<{ files: LocalFile[]; skipped?: string }> {
  const files = await findInputFiles(upload.inputPath, workspaceFolder(), upload.prefix)
  if (!upload.changedOnly) return { files }
  const { event, changed } = await changedFiles(upload.githubToken, log)
  const kept = changed ? files.filter(file => changed.has(file.workspacePath)) : files
  if (kept.length > 0) return { files: kept }
  return { files: [], skipped: `the ${event} changed no file that '${upload.inputPath}' matches` }
}

function uploaded(files: LocalFile[], upload: UploadSettings): UploadOutcome {
  const single = files.length === 1 ? files[0] : undefined
  const inputUri = single
    ? `azureml://datastores/${upload.datastore}/paths/${upload.prefix}/${single.uploadPath}`
    : `azureml://datastores/${upload.datastore}/paths/${upload.prefix}/`
  return {
    kind: 'uploaded',
    files: files.length,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    input: { name: upload.inputName, kind: 'data', type: single ? 'UriFile' : 'UriFolder', uri: inputUri },
    inputUri
  }
}
