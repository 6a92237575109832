import { InputError } from '../input-formats.js'
import { logSafe } from '../untrusted-text.js'

// A file's path below its pattern's folder becomes its blob name, but the blob service does not store every name as
// given: a URL reads `\` as `/`, and the service drops dots and spaces at the end of each segment. Two files can so
// become one blob, the second overwriting the first; that is found here, before anything is uploaded.

/** Blob names are at most this long, prefix included. */
const maxBlobName = 1024
const controlCharacter = /\p{Cc}/u

/** The name the blob service keeps for a path below the upload prefix. Pure. */
export function storedBlobPath(uploadPath: string): string {
  return uploadPath
    .replace(/\\/g, '/')
    .split('/')
    .map(segment => segment.replace(/[. ]+$/, ''))
    .join('/')
}

export interface NamedFile {
  /** Path in the workspace, for the error. */
  workspacePath: string
  /** Path below the pattern's folder: the blob name below the prefix, as the repository spells it. */
  uploadPath: string
}

/**
 * The files with uploadPath set to the name each will have in storage; an error naming the file(s) when a name cannot
 * be stored or two files would become the same blob. Pure.
 */
export function withStoredBlobPaths<File extends NamedFile>(files: File[], prefix: string): File[] {
  const byBlob = new Map<string, File>()
  return files.map(file => {
    const shown = logSafe(file.workspacePath)
    const stored = storedBlobPath(file.uploadPath)
    if (controlCharacter.test(file.uploadPath) || stored.split('/').includes('')) {
      throw new InputError(
        `Input 'input-path': ${shown} cannot be a blob name (a control character, or a folder or file name of only ` +
          'dots and spaces). Rename it, or leave it out of input-path.'
      )
    }
    const blob = `${prefix}/${stored}`
    if (blob.length > maxBlobName) {
      throw new InputError(
        `Input 'input-path': ${shown} would be the blob ${logSafe(blob, 80)} of ${blob.length} characters; blob names ` +
          `have at most ${maxBlobName}. Shorten upload-prefix or the path.`
      )
    }
    const other = byBlob.get(stored)
    if (other) {
      throw new InputError(
        `Input 'input-path': ${logSafe(other.workspacePath)} and ${shown} would both be stored as the blob ` +
          `${logSafe(blob)} (the blob service reads \\ as / and drops dots and spaces at the end of a name), one ` +
          'overwriting the other. Nothing was uploaded: rename one of them, or leave one out of input-path.'
      )
    }
    byBlob.set(stored, file)
    return { ...file, uploadPath: stored }
  })
}
