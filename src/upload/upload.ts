import type { ContainerClient } from '@azure/storage-blob'
import { formatBytes } from '../storage/progress.js'
import type { LocalFile } from './local-files.js'

export interface UploadOptions {
  /** Blob name prefix inside the container, without a trailing slash. */
  prefix: string
  /** Files uploaded at once. */
  concurrency: number
  /** Called with the bytes of a file as they go; the progress reporter sums them. */
  onBytes(delta: number): void
  onFileDone(): void
}

// Files above this go up in blocks (several requests each, in parallel), each block retried on its own.
const blockSize = 8 * 1024 * 1024

export class UploadError extends Error {
  override name = 'UploadError'
  readonly file: string
  readonly statusCode: number | undefined
  constructor(file: string, cause: unknown) {
    const status = (cause as { statusCode?: number }).statusCode
    const code = (cause as { code?: string }).code
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
    super(`Could not upload ${file}: ${status ? `HTTP ${status} ` : ''}${code ? `${code}: ` : ''}${why}`, { cause })
    this.file = file
    this.statusCode = status
  }
}

/**
 * Uploads the files under the prefix, keeping their folder structure, a bounded number at a time. The first file
 * that fails (after the storage SDK's own retries) stops the upload: no file is left out silently.
 */
export async function uploadFiles(
  container: ContainerClient,
  files: LocalFile[],
  options: UploadOptions
): Promise<void> {
  let next = 0
  let failure: UploadError | undefined
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < files.length) {
      const file = files[next++]
      if (!file) return
      let sent = 0
      try {
        await container.getBlockBlobClient(`${options.prefix}/${file.uploadPath}`).uploadFile(file.absolutePath, {
          blockSize,
          maxSingleShotSize: blockSize,
          concurrency: 4,
          onProgress: progress => {
            options.onBytes(progress.loadedBytes - sent)
            sent = progress.loadedBytes
          }
        })
        options.onBytes(file.size - sent)
        options.onFileDone()
      } catch (error) {
        failure ??= new UploadError(file.workspacePath, error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, files.length) }, worker))
  if (failure) throw failure
}

export function describeUpload(files: LocalFile[]): string {
  const bytes = files.reduce((sum, file) => sum + file.size, 0)
  return `${files.length} file${files.length === 1 ? '' : 's'}, ${formatBytes(bytes)}`
}
