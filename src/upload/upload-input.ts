import type { TokenCredential } from '@azure/identity'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import type { JobInput } from '../job/job-definition.js'
import type { Settings, UploadSettings } from '../settings.js'
import { getBlobDatastore, getDatastoreSecret } from '../storage/datastore.js'
import { ProgressReporter } from '../storage/progress.js'
import { changedFiles } from './github-changes.js'
import { findInputFiles, workspaceFolder, type LocalFile } from './local-files.js'
import { describeUpload, uploadFiles, UploadError } from './upload.js'
import { PrefixListError, refuseUsedPrefix } from './upload-prefix.js'

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
  let files = await findInputFiles(upload.inputPath, workspaceFolder(), upload.prefix)
  if (upload.changedOnly) {
    const { event, changed } = await changedFiles(upload.githubToken, log)
    if (changed) files = files.filter(file => changed.has(file.workspacePath))
    if (files.length === 0) {
      return { kind: 'skipped', reason: `the ${event} changed no file that '${upload.inputPath}' matches` }
    }
  }
  log.info(`Uploading ${describeUpload(files)} to datastore ${upload.datastore}, under ${upload.prefix}/`)
  const datastore = await getBlobDatastore(arm, settings.resourceManager, workspace, upload.datastore, settings.cloud)
  // Loaded only here: a job that scores data already in Azure never pays for the storage SDK.
  const storage = await import('@azure/storage-blob')
  const send = async (container: InstanceType<typeof storage.ContainerClient>): Promise<void> => {
    const totals = { files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) }
    if (upload.prefixGiven) await refuseUsedPrefix(container, upload.prefix, upload.datastore)
    const progress = new ProgressReporter(totals, line => log.info(line))
    await uploadFiles(container, files, {
      prefix: upload.prefix,
      concurrency: 8,
      onBytes: delta => progress.addBytes(delta),
      onFileDone: () => progress.fileDone()
    })
    log.info(progress.line())
  }
  const containerUrl = `${datastore.serviceUrl}/${datastore.containerName}`
  try {
    await send(new storage.ContainerClient(containerUrl, credential))
  } catch (error) {
    if (!isRefusal(error)) throw error
    if (!datastore.hasCredentials) throw new Error(`${error.message}\n${roleHint(datastore.accountName)}`)
    log.info(
      `The signed-in identity may not write blobs (HTTP ${error.statusCode}); using the datastore's own credentials.`
    )
    const secret = await getDatastoreSecret(arm, settings.resourceManager, workspace, datastore)
    log.mask(secret.kind === 'AccountKey' ? secret.key : secret.sasToken)
    const container =
      secret.kind === 'AccountKey'
        ? new storage.ContainerClient(
            containerUrl,
            new storage.StorageSharedKeyCredential(secret.accountName, secret.key)
          )
        : new storage.ContainerClient(`${containerUrl}?${secret.sasToken.replace(/^\?/, '')}`)
    try {
      await send(container)
    } catch (second) {
      if (isRefusal(second)) {
        throw new Error(`${second.message}\n${roleHint(datastore.accountName)}`)
      }
      throw second
    }
  }
  return uploaded(files, upload)
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

function isRefusal(error: unknown): error is UploadError | PrefixListError {
  return (
    (error instanceof UploadError || error instanceof PrefixListError) &&
    (error.statusCode === 401 || error.statusCode === 403)
  )
}

function roleHint(accountName: string): string {
  return (
    `Neither the signed-in identity nor the datastore's own credentials may write to storage account ${accountName}. ` +
    'Grant the identity "Storage Blob Data Contributor" on the account, or give the datastore an account key or SAS.'
  )
}
