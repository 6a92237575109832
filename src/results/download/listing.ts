import type { ContainerClient } from '@azure/storage-blob'
import type { DataType } from '../../job/job-definition.js'
import { logSafe } from '../../untrusted-text.js'
import { DownloadError } from './download-error.js'
import { DownloadPlan, listingPrefix, type ResultFile } from './result-files.js'

// The output's listing, read page by page into the plan: a listing that runs on (a service that always answers with
// a next page) stops at a bound instead of filling the memory.

export interface ListingBounds {
  /** Blobs listed under the output's location, results or not. */
  maxEntries: number
  /** Pages, which a service may send empty. */
  maxPages: number
  /** How long one page may take: a service that stops answering ends the listing, as a stalled file ends its download. */
  pageTimeoutMs: number
}

export const listingBounds: ListingBounds = { maxEntries: 100_000, maxPages: 2_000, pageTimeoutMs: 40_000 }

export interface ListedOutput {
  type: DataType
  path: string
  uri: string
  downloadPath: string
  signal: AbortSignal
}

/** The files to download, planned as the listing's pages arrive. */
export async function readListing(
  container: ContainerClient,
  output: ListedOutput,
  bounds: ListingBounds = listingBounds
): Promise<ResultFile[]> {
  const plan = new DownloadPlan(output.type, output.path, output.downloadPath)
  let entries = 0
  let pages = 0
  const stalled = new AbortController()
  const listing = container
    .listBlobsFlat({
      prefix: listingPrefix(output.type, output.path),
      abortSignal: AbortSignal.any([output.signal, stalled.signal])
    })
    .byPage({ maxPageSize: 5_000 })
  for (;;) {
    let page: Awaited<ReturnType<typeof listing.next>>
    const timer = setTimeout(
      () => stalled.abort(new Error(`no page of it came within ${bounds.pageTimeoutMs / 1000} s`)),
      bounds.pageTimeoutMs
    )
    try {
      page = await listing.next()
    } catch (error) {
      if (output.signal.aborted) throw error
      const cause = stalled.signal.aborted ? stalled.signal.reason : error
      throw new DownloadError(`the list of results at ${logSafe(output.uri)}`, cause)
    } finally {
      clearTimeout(timer)
    }
    if (page.done) break
    const blobs = page.value.segment.blobItems
    entries += blobs.length
    if (++pages > bounds.maxPages || entries > bounds.maxEntries) {
      throw new Error(
        `The listing of ${logSafe(output.uri)} ran past ${bounds.maxEntries} blobs or ${bounds.maxPages} pages; ` +
          'nothing was downloaded. Have the scoring script write fewer, larger files.'
      )
    }
    for (const blob of blobs) plan.add({ name: blob.name, size: blob.properties.contentLength ?? 0 })
  }
  return plan.files
}
