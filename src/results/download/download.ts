import { rm } from 'node:fs/promises'
import { addAbortSignal, type Readable } from 'node:stream'
import type { ContainerClient } from '@azure/storage-blob'
import type { DataType } from '../../job/job-definition.js'
import { forEachBounded } from '../../storage/concurrency.js'
import {
  downloadStallBounds,
  ProgressReporter,
  StallWatch,
  watchTransfer,
  type StallBounds
} from '../../storage/progress.js'
import { logSafe } from '../../untrusted-text.js'
import { DownloadError } from './download-error.js'
import { checkTargets, createResultFile } from './download-folder.js'
import { readListing, type ListingBounds } from './listing.js'
import type { ResultFile } from './result-files.js'

export interface DownloadOptions {
  type: DataType
  /** The output's path inside the datastore's container. */
  path: string
  /** The output's azureml:// location, for messages. */
  uri: string
  /** The workspace download-path lies in: nothing is written through a link below it. */
  workspace: string
  downloadPath: string
  concurrency: number
  /** The workflow run's cancellation: the download stops at once. */
  signal: AbortSignal
  log(line: string): void
  /** Production bounds unless a test injects short ones. */
  stallBounds?: StallBounds
  listingBounds?: ListingBounds
  checkEveryMs?: number
}

// A stream that breaks is resumed from where it stopped, this many times per file, before the file counts as failed.
const resumesPerFile = 5

/**
 * Lists the output's blobs and streams each to a new file below download-path, a few at a time. A location that holds
 * nothing is an error, as is a file that does not arrive whole, one that brings more bytes than the listing gave, and
 * one that moves no byte past the stall bound; a file that failed is removed.
 */
export async function downloadResults(container: ContainerClient, options: DownloadOptions): Promise<ResultFile[]> {
  const files = await readListing(container, options, options.listingBounds)
  if (files.length === 0) {
    throw new Error(
      `The job Completed, but ${logSafe(options.uri)} holds no ${options.type === 'UriFile' ? 'file' : 'files'}: ` +
        'there is nothing to download. The scoring script wrote no output, or wrote it elsewhere.'
    )
  }
  checkTargets(options.workspace, files)
  const bounds = options.stallBounds ?? downloadStallBounds
  const totals = { files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) }
  const progress = new ProgressReporter(totals, options.log, 5_000, Date.now, 'Downloaded')
  const watch = new StallWatch(bounds, Date.now, 'the blob service has sent no byte of it since')
  const watching = watchTransfer(
    progress,
    watch,
    options.log,
    options.checkEveryMs ?? 1_000,
    file => new DownloadError(file, new Error(stallMessage(bounds)))
  )
  const downloadOne = async (file: ResultFile, signal: AbortSignal): Promise<void> => {
    const shown = logSafe(file.relativePath)
    watch.started(shown)
    try {
      await downloadFile(container, options.workspace, file, signal, bytes => {
        watch.moved(shown)
        progress.addBytes(bytes)
      })
    } catch (error) {
      throw error instanceof DownloadError ? error : new DownloadError(shown, error)
    } finally {
      watch.finished(shown)
    }
    progress.fileDone()
  }
  try {
    await forEachBounded(files, options.concurrency, downloadOne, AbortSignal.any([watching.signal, options.signal]))
  } finally {
    watching.stop()
  }
  options.log(progress.line())
  return files
}

/** One file, streamed to disk (a large result is never held in memory); on any failure the file is removed. */
async function downloadFile(
  container: ContainerClient,
  workspace: string,
  file: ResultFile,
  signal: AbortSignal,
  onBytes: (delta: number) => void
): Promise<void> {
  const handle = await createResultFile(workspace, file)
  try {
    const response = await container
      .getBlobClient(file.blobName)
      .download(0, undefined, { abortSignal: signal, maxRetryRequests: resumesPerFile })
    let written = 0
    // The signal ends a body that stalls or runs on, not only the request that started it.
    const body = addAbortSignal(signal, response.readableStreamBody as Readable)
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (written + chunk.length > file.size) {
        body.destroy()
        throw new Error(`the blob service sent more than the ${file.size} bytes its listing gave; the file was removed`)
      }
      await handle.write(chunk)
      written += chunk.length
      onBytes(chunk.length)
    }
    if (written !== file.size) throw new Error(`${written} of its ${file.size} bytes arrived; the file was removed`)
    await handle.close()
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(file.localPath, { force: true })
    throw error
  }
}

function stallMessage(bounds: StallBounds): string {
  return (
    `the blob service sent no byte of it for ${bounds.stallMs / 1000} s; the file was removed. ` +
    "Check that this runner reaches the datastore's storage account (firewall, proxy), then re-run."
  )
}
