import { blobFailure } from '../../storage/blob-failure.js'
import { logSafe } from '../../untrusted-text.js'

/** A file, or the listing, that the blob service did not deliver; `file` is shown as given (log-safe). */
export class DownloadError extends Error {
  override name = 'DownloadError'
  readonly statusCode: number | undefined
  constructor(file: string, cause: unknown) {
    const { statusCode, reason } = blobFailure(cause)
    super(`Could not download ${file}: ${logSafe(reason)}`, { cause })
    this.statusCode = statusCode
  }
}
