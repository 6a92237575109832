import { join } from 'node:path'
import type { DataType } from '../../job/job-definition.js'
import { logSafe } from '../../untrusted-text.js'

// Which blobs are the job's results and where each lands below download-path. Pure. Blob names are whatever the
// scoring script wrote: `a//b`, `a/./b` and `a/b` are three blobs but one file, and a name may hold any character.

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

/** A blob name that cannot become a file below download-path; nothing is downloaded. */
export class ResultNameError extends Error {
  override name = 'ResultNameError'
}

const controlCharacter = /[\p{Cc}\u2028\u2029]/u

/** True for a folder named .git, in any case: git reads what is in it (hooks, config) as the repository's own. */
export function isGitFolder(segment: string): boolean {
  return segment.toLowerCase() === '.git'
}

/**
 * The files to download, planned one listed blob at a time: for a file output the one blob at `path`, for a folder
 * output every blob below it, keeping the structure below the location. A name that would land outside
 * download-path, in a .git folder, or on the file of another blob refuses the whole download.
 */
export class DownloadPlan {
  readonly files: ResultFile[] = []
  private readonly byPath = new Map<string, ResultFile>()
  /** Every folder a planned file lies in, below download-path. */
  private readonly folders = new Set<string>()
  private readonly folder: string

  constructor(
    private readonly type: DataType,
    private readonly path: string,
    private readonly downloadPath: string
  ) {
    this.folder = path.endsWith('/') ? path : `${path}/`
  }

  add(blob: ListedBlob): void {
    if (this.type === 'UriFile' ? blob.name !== this.path : !blob.name.startsWith(this.folder)) return
    if (blob.name.endsWith('/')) return
    const below =
      this.type === 'UriFile' ? (this.path.split('/').pop() ?? this.path) : blob.name.slice(this.folder.length)
    const segments = this.segmentsOf(blob.name, below)
    const relativePath = segments.join('/')
    // A folder's own empty marker blob (hierarchical namespace accounts list folders so) is not a file.
    if (blob.size === 0 && this.folders.has(relativePath)) return
    const other = this.byPath.get(relativePath)
    if (other || this.folders.has(relativePath)) {
      const otherName =
        other?.blobName ?? this.files.find(file => file.relativePath.startsWith(`${relativePath}/`))?.blobName
      throw this.refuse(
        blob.name,
        `and the blob '${logSafe(otherName ?? '')}' would both be written to ${logSafe(relativePath)}`
      )
    }
    for (let end = 1; end < segments.length; end++) {
      const parent = segments.slice(0, end).join('/')
      const file = this.byPath.get(parent)
      if (file && file.size === 0) this.dropFolderMarker(file)
      else if (file) throw this.refuse(blob.name, `needs a folder where the blob '${logSafe(file.blobName)}' is a file`)
      this.folders.add(parent)
    }
    const file = { blobName: blob.name, relativePath, localPath: join(this.downloadPath, ...segments), size: blob.size }
    this.files.push(file)
    this.byPath.set(relativePath, file)
  }

  private segmentsOf(name: string, below: string): string[] {
    if (controlCharacter.test(name) || below.includes('\\')) {
      throw this.refuse(name, 'holds a control character or a backslash, which no file name below download-path may')
    }
    const segments = below.split('/').filter(segment => segment !== '' && segment !== '.')
    if (segments.length === 0 || segments.includes('..')) {
      throw new ResultNameError(
        `The blob '${logSafe(name)}' would land outside download-path (${logSafe(this.downloadPath)}); nothing was ` +
          'downloaded. Whatever wrote the results named it so: check the scoring script.'
      )
    }
    if (segments.some(isGitFolder)) throw this.refuse(name, 'would be written into a .git folder')
    return segments
  }

  private dropFolderMarker(file: ResultFile): void {
    this.files.splice(this.files.indexOf(file), 1)
    this.byPath.delete(file.relativePath)
  }

  private refuse(name: string, problem: string): ResultNameError {
    return new ResultNameError(
      `The blob '${logSafe(name)}' ${problem}; nothing was downloaded. Whatever wrote the results named it so: check ` +
        'the scoring script.'
    )
  }
}

/** The prefix to list: a file output's own name, or a folder output's path with its trailing slash. */
export function listingPrefix(type: DataType, path: string): string {
  if (type === 'UriFile') return path
  return path.endsWith('/') ? path : `${path}/`
}
