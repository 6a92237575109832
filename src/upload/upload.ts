import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob'
import { parallelBlobRequests } from '../storage/blob-container.js'
import { blobFailure } from '../storage/blob-failure.js'
import { concurrencyGate, forEachBounded } from '../storage/concurrency.js'
import {
  formatBytes,
  ProgressReporter,
  StallWatch,
  uploadStallBounds,
  watchTransfer,
  type StallBounds
} from '../storage/progress.js'
import { logSafe } from '../untrusted-text.js'
import type { LocalFile } from './local-files.js'

export interface UploadOptions {
  /** Blob name prefix inside the container, without a trailing slash. */
  prefix: string
  /** Files uploaded at once. */
  concurrency: number
  log(line: string): void
}

// Files above this go up in blocks (several requests each, in parallel), each block retried on its own.
const blockSize = 8 * 1024 * 1024
const blocksAtOnce = 4
// How often the progress line and the stall bounds are looked at.
const checkEveryMs = 1_000

export class UploadError extends Error {
  override name = 'UploadError'
  readonly file: string
  readonly statusCode: number | undefined
  constructor(file: string, cause: unknown) {
    const { statusCode, reason } = blobFailure(cause)
    super(`Could not upload ${file}: ${reason}`, { cause })
    this.file = file
    this.statusCode = statusCode
  }
}

/**
 * How a file's requests go: each waits for a free connection (`send`); its bytes are `sent` as they are written to
 * the connection and `acknowledged` once the service took them.
 */
interface FileProgress {
  signal: AbortSignal
  send<T>(request: () => Promise<T>): Promise<T>
  sent(): void
  acknowledged(bytes: number): void
}

/**
 * Uploads the files under the prefix, keeping their folder structure, a bounded number at a time. The first file
 * that fails (after the storage SDK's own retries) or moves no byte past the stall bound stops the upload: requests
 * in flight are abandoned and no file is left out silently.
 */
export async function uploadFiles(
  container: ContainerClient,
  files: LocalFile[],
  options: UploadOptions
): Promise<void> {
  const totals = { files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) }
  const progress = new ProgressReporter(totals, options.log)
  const watch = new StallWatch(uploadStallBounds)
  const watching = watchTransfer(
    progress,
    watch,
    options.log,
    checkEveryMs,
    file => new UploadError(file, new Error(stallMessage(uploadStallBounds)))
  )

  const connection = concurrencyGate(parallelBlobRequests)
  const uploadOne = async (file: LocalFile, signal: AbortSignal): Promise<void> => {
    const shown = logSafe(file.workspacePath)
    try {
      await uploadFile(container.getBlockBlobClient(`${options.prefix}/${file.uploadPath}`), file, {
        signal,
        send: request =>
          connection(async () => {
            watch.started(shown)
            try {
              return await request()
            } finally {
              watch.finished(shown)
            }
          }),
        sent: () => watch.moved(shown),
        acknowledged: bytes => {
          watch.moved(shown)
          progress.addBytes(bytes)
        }
      })
    } catch (error) {
      throw new UploadError(shown, error)
    }
    progress.fileDone()
  }
  try {
    await forEachBounded(files, options.concurrency, uploadOne, watching.signal)
  } finally {
    watching.stop()
  }
  options.log(progress.line())
}

/** One Put Blob for a small file; Put Block per block and Put Block List for a large one. */
async function uploadFile(blob: BlockBlobClient, file: LocalFile, progress: FileProgress): Promise<void> {
  const request = { abortSignal: progress.signal, onProgress: () => progress.sent() }
  if (file.size <= blockSize) {
    await progress.send(() => blob.upload(() => exactBytes(file, 0, file.size), file.size, request))
    progress.acknowledged(file.size)
    await refuseChangedSize(file)
    return
  }
  const blocks = Array.from({ length: Math.ceil(file.size / blockSize) }, (_, index) => ({
    // Block ids are base64 and of one length within a blob.
    id: Buffer.from(index.toString().padStart(6, '0')).toString('base64'),
    start: index * blockSize,
    length: Math.min(blockSize, file.size - index * blockSize)
  }))
  await forEachBounded(
    blocks,
    blocksAtOnce,
    async ({ id, start, length }, signal) => {
      const body = () => exactBytes(file, start, length)
      await progress.send(() => blob.stageBlock(id, body, length, { ...request, abortSignal: signal }))
      progress.acknowledged(length)
    },
    progress.signal
  )
  // Checked before the blob is made of the blocks: a file that grew or shrank is not stored half old, half new.
  await refuseChangedSize(file)
  await progress.send(() =>
    blob.commitBlockList(
      blocks.map(block => block.id),
      { abortSignal: progress.signal }
    )
  )
}

/**
 * `length` bytes of the file from `start`, as found: a file that has since shrunk fails the request at its end rather
 * than leave the service waiting for bytes that never come; one that grew is read only as far as it was found.
 */
function exactBytes(file: LocalFile, start: number, length: number): Readable {
  if (length === 0) return Readable.from([])
  const source = createReadStream(file.absolutePath, { start, end: start + length - 1 })
  return Readable.from(
    (async function* () {
      let read = 0
      for await (const chunk of source) {
        read += (chunk as Buffer).length
        yield chunk as Buffer
      }
      if (read !== length) throw sizeChanged(file, start + read)
    })()
  )
}

async function refuseChangedSize(file: LocalFile): Promise<void> {
  const { size } = await stat(file.absolutePath)
  if (size !== file.size) throw sizeChanged(file, size)
}

function sizeChanged(file: LocalFile, now: number): Error {
  return new Error(
    `it changed while it was being uploaded (${file.size} bytes when found, ${now} now). ` +
      'Upload files nothing writes to during the step, then re-run.'
  )
}

function stallMessage(bounds: StallBounds): string {
  return (
    `the blob service took or acknowledged no byte of it for ${bounds.stallMs / 1000} s. ` +
    "Check that this runner reaches the datastore's storage account (firewall, proxy), then re-run."
  )
}

export function describeUpload(files: LocalFile[]): string {
  const bytes = files.reduce((sum, file) => sum + file.size, 0)
  return `${files.length} file${files.length === 1 ? '' : 's'}, ${formatBytes(bytes)}`
}
