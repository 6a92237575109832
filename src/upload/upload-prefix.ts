import type { ContainerClient } from '@azure/storage-blob'
import { InputError } from '../input-formats.js'
import { blobFailure } from '../storage/blob-failure.js'
import { logSafe } from '../untrusted-text.js'

// The job scores the whole upload folder. A folder that already holds blobs (an earlier run's, another step's)
// would have them scored along with this step's files, and nothing would tell.

/** Listing the folder failed; a 401 or 403 lets the caller try the datastore's own credentials, as for an upload. */
export class PrefixListError extends Error {
  override name = 'PrefixListError'
  readonly statusCode: number | undefined
  constructor(prefix: string, cause: unknown) {
    const { statusCode, reason } = blobFailure(cause)
    super(`Could not list the blobs under ${prefix}/: ${reason}`, { cause })
    this.statusCode = statusCode
  }
}

/** One list-blobs request for at most one name under the prefix: an error when there is one. */
export async function refuseUsedPrefix(container: ContainerClient, prefix: string, datastore: string): Promise<void> {
  let blob: string | undefined
  try {
    const page = await container
      .listBlobsFlat({ prefix: `${prefix}/` })
      .byPage({ maxPageSize: 1 })
      .next()
    blob = page.done ? undefined : page.value.segment.blobItems[0]?.name
  } catch (error) {
    throw new PrefixListError(prefix, error)
  }
  if (blob === undefined) return
  throw new InputError(
    `Input 'upload-prefix': ${prefix}/ in datastore ${datastore} already holds blobs (${logSafe(blob)} among them). ` +
      'The job scores the whole folder, so it would score those too. Nothing was uploaded: give a folder that is ' +
      'empty (one per run, such as with the run id and attempt), or leave upload-prefix out for a new one per step.'
  )
}
