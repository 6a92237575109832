import type { TokenCredential } from '@azure/identity'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import type { JobInput } from '../job/job-definition.js'
import type { Settings, UploadSettings } from '../settings.js'
import { blobConnections, blobContainer } from '../storage/blob-container.js'
import { getBlobDatastore, getDatastoreSecret } from '../storage/datastore.js'
import { changedFilesFromCompare, changedFilesFromPush, type ComparedFile, type PushPayload } from './changed-files.js'
import { findInputFiles, type LocalFile } from './local-files.js'
import { loadUndici } from './undici-on-demand.js'
import { describeUpload, uploadFiles, UploadError } from './upload.js'

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
  let files = await findInputFiles(upload.inputPath, process.env['GITHUB_WORKSPACE'] || process.cwd())
  if (upload.changedOnly) {
    const { event, changed } = await changedFiles(upload.githubToken, log)
    if (changed) files = files.filter(file => changed.has(file.workspacePath))
    if (files.length === 0) {
      return { kind: 'skipped', reason: `the ${event} changed no file that '${upload.inputPath}' matches` }
    }
  }
  log.info(`Uploading ${describeUpload(files)} to datastore ${upload.datastore}, under ${upload.prefix}/`)
  const datastore = await getBlobDatastore(arm, settings.resourceManager, workspace, upload.datastore)
  // Loaded only here: a job that scores data already in Azure never pays for the storage SDK.
  const storage = await import('@azure/storage-blob')
  const send = (container: InstanceType<typeof storage.ContainerClient>): Promise<void> =>
    uploadFiles(container, files, { prefix: upload.prefix, concurrency: 8, log: line => log.info(line) })
  const containerUrl = `${datastore.serviceUrl}/${datastore.containerName}`
  const connections = blobConnections()
  try {
    await send(blobContainer(storage, containerUrl, credential, connections))
  } catch (error) {
    const refused = error instanceof UploadError && (error.statusCode === 401 || error.statusCode === 403)
    if (!refused) throw error
    if (!datastore.hasCredentials) throw new Error(`${error.message}\n${roleHint(datastore.accountName)}`)
    log.info(
      `The signed-in identity may not write blobs (HTTP ${error.statusCode}); using the datastore's own credentials.`
    )
    const secret = await getDatastoreSecret(arm, settings.resourceManager, workspace, datastore)
    log.mask(secret.kind === 'AccountKey' ? secret.key : secret.sasToken)
    const container =
      secret.kind === 'AccountKey'
        ? blobContainer(
            storage,
            containerUrl,
            new storage.StorageSharedKeyCredential(secret.accountName, secret.key),
            connections
          )
        : blobContainer(storage, `${containerUrl}?${secret.sasToken.replace(/^\?/, '')}`, undefined, connections)
    try {
      await send(container)
    } catch (second) {
      if (second instanceof UploadError && (second.statusCode === 401 || second.statusCode === 403)) {
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

function roleHint(accountName: string): string {
  return (
    `Neither the signed-in identity nor the datastore's own credentials may write to storage account ${accountName}. ` +
    'Grant the identity "Storage Blob Data Contributor" on the account, or give the datastore an account key or SAS.'
  )
}

// GitHub's compare lists at most this many files, without saying that it stopped.
const compareFileLimit = 300

/**
 * The triggering event, and the repository paths its push (or pull request) added or modified: `changed` is undefined
 * when GitHub cannot tell.
 */
async function changedFiles(token: string, log: UploadLog): Promise<{ event: string; changed?: Set<string> }> {
  // @actions/github makes octokit's fetch and proxy agent as it loads, and they are undici's: undici comes first, from
  // the chunk the bundle keeps it in (see undici-on-demand.ts).
  await loadUndici()
  const { context, getOctokit } = await import('@actions/github')
  const { eventName: event, payload } = context
  let compare: { base: string; head: string }
  if (event === 'push') {
    const fromPush = changedFilesFromPush(payload as PushPayload)
    if ('files' in fromPush) return { event, changed: fromPush.files }
    log.info(`Asking GitHub which files changed: ${fromPush.why}.`)
    compare = fromPush.compare
  } else if (event === 'pull_request' || event === 'pull_request_target') {
    const pr = payload.pull_request as unknown as { base: { sha: string }; head: { sha: string } }
    compare = { base: pr.base.sha, head: pr.head.sha }
  } else {
    throw new Error(`changed-only needs a push or pull_request event; this run was started by ${event}.`)
  }
  const octokit = getOctokit(token)
  const files: ComparedFile[] = []
  // GitHub pages a comparison; 30 pages of 100 covers its own limit of 3000 files.
  for (let page = 1; page <= 30; page++) {
    const response = await octokit.rest.repos.compareCommitsWithBasehead({
      ...context.repo,
      basehead: `${compare.base}...${compare.head}`,
      per_page: 100,
      page
    })
    files.push(...(response.data.files ?? []))
    if (!/rel="next"/.test(response.headers.link ?? '')) break
  }
  if (files.length >= compareFileLimit) {
    log.info(
      `GitHub lists only the first ${compareFileLimit} changed files: every file 'input-path' matches is scored.`
    )
    return { event }
  }
  return { event, changed: changedFilesFromCompare(files) }
}
