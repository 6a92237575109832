import { mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { ContainerClient } from '@azure/storage-blob'
import type { DataType } from '../../job/job-definition.js'
import { blobFailure } from '../../storage/blob-failure.js'
import { forEachBounded } from '../../storage/concurrency.js'
import { ProgressReporter } from '../../storage/progress.js'
import { listingPrefix, planDownload, type ListedBlob, type ResultFile } from './result-files.js'

export class DownloadError extends Error {
  override name = 'DownloadError'
  readonly statusCode: number | undefined
  constructor(file: string, cause: unknown) {
    const { statusCode, reason } = blobFailure(cause)
    super(`Could not download ${file}: ${reason}`, { cause })
    this.statusCode = statusCode
  }
}

export interface DownloadOptions {
  type: DataType
  /** The output's path inside the datastore's container. */
  path: string
  /** The output's azureml:// location, for messages. */
  uri: string
  downloadPath: string
  concurrency: number
  log(line: string): void
}

// A stream that breaks is resumed from where it stopped, this many times per file, before the file counts as failed.
const resumesPerFile = 5

/**
 * Lists the output's blobs and streams each to its file below download-path, a few at a time. A location that holds
 * nothing is an error, as is a file that does not arrive whole.
 */
export async function downloadResults(container: ContainerClient, options: DownloadOptions): Promise<ResultFile[]> {
  const blobs: ListedBlob[] = []
  try {
    for await (const blob of container.listBlobsFlat({ prefix: listingPrefix(options.type, options.path) })) {
      blobs.push({ name: blob.name, size: blob.properties.contentLength ?? 0 })
    }
  } catch (error) {
    throw new DownloadError(`the list of results at ${options.uri}`, error)
  }
  const files = planDownload(blobs, options.type, options.path, options.downloadPath)
  if (files.length === 0) {
    throw new Error(
      `The job Completed, but ${options.uri} holds no ${options.type === 'UriFile' ? 'file' : 'files'}: there is ` +
        'nothing to download. The scoring script wrote no output, or wrote it elsewhere.'
    )
  }
  const totals = { files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) }
  const progress = new ProgressReporter(totals, options.log, 5_000, Date.now, 'Downloaded')
  const downloadOne = async (file: ResultFile): Promise<void> => {
    try {
      await downloadFile(container, file, delta => progress.addBytes(delta))
    } catch (error) {
      throw error instanceof DownloadError ? error : new DownloadError(file.relativePath, error)
    }
    progress.fileDone()
  }
  // Lines come on the clock too, so a slow or silent download still shows where it stands.
  const timer = setInterval(() => progress.tick(), 1_000)
  try {
    await forEachBounded(files, options.concurrency, downloadOne)
  } finally {
    clearInterval(timer)
  }
  options.log(progress.line())
  return files
}

async function downloadFile(container: ContainerClient, file: ResultFile, onBytes: (delta: number) => void) {
  await mkdir(dirname(file.localPath), { recursive: true })
  let received = 0
  // downloadToFile streams the body to disk: a large result is never held in memory.
  await container.getBlobClient(file.blobName).downloadToFile(file.localPath, 0, undefined, {
    maxRetryRequests: resumesPerFile,
    onProgress: progress => {
      onBytes(progress.loadedBytes - received)
      received = progress.loadedBytes
    }
  })
  const written = (await stat(file.localPath)).size
  if (written !== file.size) {
    throw new DownloadError(file.relativePath, new Error(`${written} of its ${file.size} bytes arrived`))
  }
  onBytes(file.size - received)
}
