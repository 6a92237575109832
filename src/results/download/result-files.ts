import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { DataType } from '../../job/job-definition.js'

// Which blobs are the job's results and where each lands below download-path. Pure.

export interface ListedBlob {
  name: string
  size: number
}

export interface ResultFile {
  blobName: string
  /** Below download-path, with / separators. */
  relativePath: string
  localPath: string
  size: number
}

export class OutsideDownloadPathError extends Error {
  override name = 'OutsideDownloadPathError'
}

/**
 * The files to download: for a file output the one blob at `path`, for a folder output every blob below it, keeping
 * the structure below the location. A blob name that would land outside download-path refuses the whole download.
 */
export function planDownload(
  blobs: readonly ListedBlob[],
  type: DataType,
  path: string,
  downloadPath: string
): ResultFile[] {
  const folder = path.endsWith('/') ? path : `${path}/`
  const chosen =
    type === 'UriFile'
      ? blobs.filter(blob => blob.name === path)
      : blobs.filter(blob => blob.name.startsWith(folder) && !blob.name.endsWith('/'))
  return chosen.map(blob => {
    const below = type === 'UriFile' ? (path.split('/').pop() ?? path) : blob.name.slice(folder.length)
    const localPath = resolve(downloadPath, ...below.split('/'))
    const rel = relative(downloadPath, localPath)
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || below.includes('\\')) {
      throw new OutsideDownloadPathError(
        `The blob '${blob.name}' would land outside download-path (${downloadPath}); nothing was downloaded. ` +
          'Whatever wrote the results named it so: check the scoring script.'
      )
    }
    return { blobName: blob.name, relativePath: rel.split(sep).join('/'), localPath: join(localPath), size: blob.size }
  })
}

/** The prefix to list: a file output's own name, or a folder output's path with its trailing slash. */
export function listingPrefix(type: DataType, path: string): string {
  if (type === 'UriFile') return path
  return path.endsWith('/') ? path : `${path}/`
}
