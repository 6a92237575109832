import { constants, lstatSync, mkdirSync, type Stats } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { logSafe } from '../../untrusted-text.js'
import { isGitFolder, type ResultFile } from './result-files.js'

// The results are written only into real folders of the workspace: a symbolic link anywhere below the workspace (one
// the repository holds, or one an earlier step made) could send a file anywhere on the runner, and a .git folder holds
// what git runs. Folders are made one level at a time and each is looked at without following it; files are created,
// never opened if they exist, and never through a link.

/** download-path or a file below it cannot be written safely; nothing more is written. */
export class UnsafeDownloadPathError extends Error {
  override name = 'UnsafeDownloadPathError'
}

/**
 * Checks, and with `create` makes, each folder of `target` below `workspace`, one level at a time: each must be a
 * real folder, reached through no symbolic link, and none a .git folder. Folders that do not exist yet pass when not
 * creating. `problem` makes the error for what is being written.
 */
export function realFolders(
  workspace: string,
  target: string,
  create: boolean,
  problem: (what: string) => Error
): void {
  const segments = relative(workspace, target)
    .split(sep)
    .filter(segment => segment !== '')
  let at = workspace
  for (const segment of segments) {
    at = join(at, segment)
    const shown = logSafe(relative(workspace, at))
    if (isGitFolder(segment)) throw problem(`${shown}, a .git folder`)
    let info = lstatIfAny(at)
    if (!info && !create) return
    if (!info) {
      try {
        mkdirSync(at)
      } catch (error) {
        // Made meanwhile: looked at below like any other.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      info = lstatSync(at)
    }
    if (info.isSymbolicLink()) throw problem(`${shown}, a symbolic link`)
    if (!info.isDirectory()) throw problem(`${shown}, a file and not a folder`)
  }
}

/**
 * Before anything is downloaded: every file's folders are real folders (or do not exist yet) and no file exists where
 * a result would go. The action writes only where nothing is.
 */
export function checkTargets(workspace: string, files: readonly ResultFile[]): void {
  const checked = new Set<string>()
  for (const file of files) {
    const folder = join(file.localPath, '..')
    if (!checked.has(folder)) {
      realFolders(workspace, folder, false, what => unsafeFile(file, what))
      checked.add(folder)
    }
    if (lstatIfAny(file.localPath)) {
      throw new UnsafeDownloadPathError(
        `Input 'download-path': ${logSafe(relative(workspace, file.localPath))} already exists, and the action ` +
          'overwrites nothing; nothing was downloaded. Remove it in an earlier step, or choose a download-path ' +
          'where the results are not yet.'
      )
    }
  }
}

/** Makes the file's folders and creates the file itself for writing: never one that exists, never through a link. */
export async function createResultFile(workspace: string, file: ResultFile): Promise<FileHandle> {
  realFolders(workspace, join(file.localPath, '..'), true, what => unsafeFile(file, what))
  // O_NOFOLLOW is not on Windows, where O_EXCL alone already refuses a link.
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)
  return open(file.localPath, flags, 0o644)
}

function unsafeFile(file: ResultFile, what: string): Error {
  return new UnsafeDownloadPathError(
    `Input 'download-path': the result ${logSafe(file.relativePath)} would be written in or below ${what}, and the ` +
      'action writes only into real folders of the workspace; nothing was downloaded. Remove it in an earlier step, ' +
      'or choose another download-path.'
  )
}

function lstatIfAny(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
