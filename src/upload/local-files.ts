import * as glob from '@actions/glob'
import type { Stats } from 'node:fs'
import { readdir, realpath, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { InputError } from '../input-formats.js'
import { logSafe } from '../untrusted-text.js'
import { withStoredBlobPaths } from './blob-names.js'

export interface LocalFile {
  absolutePath: string
  /** Path inside the workspace (the repository checkout), with / separators: what a push lists. */
  workspacePath: string
  /** Path below the pattern's base folder, with / separators: where it lands under the upload prefix. */
  uploadPath: string
  size: number
}

/**
 * The files `input-path` names inside the workspace: one pattern per line, each a file, a folder (everything below
 * it) or a glob relative to the workspace. Nothing outside the workspace is ever read, through `..` or through a
 * symlink; `.git` is never read, and other dot-files only when a pattern names them. `prefix` is the upload folder:
 * two files that would be stored as one blob there stop it all.
 */
export async function findInputFiles(inputPath: string, workspace: string, prefix: string): Promise<LocalFile[]> {
  const root = await realpath(workspace)
  const patterns = inputPath
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
  const found = new Map<string, LocalFile>()
  for (const pattern of patterns) {
    for (const file of await filesOf(pattern, root)) {
      if (!found.has(file.workspacePath)) found.set(file.workspacePath, file)
    }
  }
  if (found.size === 0) {
    const shown = patterns.map(pattern => `'${logSafe(pattern)}'`).join(', ')
    throw new InputError(`Input 'input-path' (${shown}) matches no file in the workspace.`)
  }
  const files = [...found.values()].sort((a, b) => a.workspacePath.localeCompare(b.workspacePath))
  return withStoredBlobPaths(files, prefix)
}

/** The repository checkout: GITHUB_WORKSPACE on a runner. */
export function workspaceFolder(): string {
  return process.env['GITHUB_WORKSPACE'] || process.cwd()
}

async function filesOf(pattern: string, root: string): Promise<LocalFile[]> {
  const target = resolve(root, pattern)
  if (!inside(root, target.replace(/[*?[{].*$/, ''))) {
    throw new InputError(`Input 'input-path' ('${logSafe(pattern)}') points outside the workspace ${root}.`)
  }
  const named = dotSegmentsNamedBy(relative(root, target))
  const globber = await glob.create(target, { followSymbolicLinks: true, matchDirectories: false })
  const [searchPath = root] = globber.getSearchPaths()
  const searchIsFile = await isFile(searchPath)
  const base = searchIsFile ? dirname(searchPath) : searchPath
  // A pattern whose folder does not exist matches nothing: the walk finds no file, and neither does this check.
  if (!searchIsFile && (await exists(searchPath))) await refuseLinksBelow(searchPath, root, named)
  const files: LocalFile[] = []
  for (const path of await globber.glob()) {
    const workspacePath = relative(root, path).split(sep).join('/')
    if (!wanted(workspacePath, named)) continue
    const real = await realpath(path)
    refuseLinkTarget(workspacePath, real, root, named)
    const info = await stat(real)
    // A FIFO or a device would be read until something writes to it or forever; a socket cannot be read at all.
    if (!info.isFile()) {
      throw new InputError(
        `Input 'input-path': ${logSafe(workspacePath)} is ${specialKind(info)}, not a regular file. ` +
          'Only regular files are uploaded: narrow input-path or remove it.'
      )
    }
    files.push({
      absolutePath: real,
      workspacePath,
      uploadPath: relative(base, path).split(sep).join('/'),
      size: info.size
    })
  }
  return files
}

/**
 * Refuses, before the walk, a symbolic link below `folder` that leads out of the workspace or to what is never
 * uploaded: the walk follows links, and one to / would be walked whole before the first file of it was refused. The
 * walk also goes through what is never uploaded (.git, dot-folders input-path does not name) before its files are left
 * out, so a folder link there that leads out is refused too.
 */
async function refuseLinksBelow(
  folder: string,
  root: string,
  named: RegExp[],
  seen = new Set<string>()
): Promise<void> {
  const real = await realpath(folder)
  if (seen.has(real)) return
  seen.add(real)
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    const workspacePath = relative(root, path).split(sep).join('/')
    if (entry.isSymbolicLink()) {
      // A broken link is passed by, as the walk passes it by.
      const target = await realpath(path).catch(() => undefined)
      if (target === undefined) continue
      const isFolderLink = await isFolder(target)
      if (wanted(workspacePath, named)) refuseLinkTarget(workspacePath, target, root, named)
      else if (isFolderLink && !inside(root, target)) refuseWalkOut(workspacePath, target)
      if (isFolderLink) await refuseLinksBelow(path, root, named, seen)
    } else if (entry.isDirectory()) {
      await refuseLinksBelow(path, root, named, seen)
    }
  }
}

function refuseWalkOut(workspacePath: string, real: string): never {
  throw new InputError(
    `Input 'input-path': ${logSafe(workspacePath)} is a symbolic link to ${logSafe(real)}, outside the workspace. ` +
      'Nothing below it would be uploaded, but the search for files would walk it: narrow input-path to the ' +
      "data's own folder, or remove the link."
  )
}

/** What a link leads to is what would be read: it stays in the workspace, and the rule for .git and dot-files holds. */
function refuseLinkTarget(workspacePath: string, real: string, root: string, named: RegExp[]): void {
  if (!inside(root, real)) {
    throw new InputError(
      `Input 'input-path': ${logSafe(workspacePath)} is a symbolic link to ${logSafe(real)}, outside the workspace.`
    )
  }
  const target = relative(root, real).split(sep).join('/')
  if (target !== workspacePath && !wanted(target, named)) {
    throw new InputError(
      `Input 'input-path': ${logSafe(workspacePath)} is a symbolic link to ${logSafe(target)}, which is never ` +
        'uploaded (.git, or a dot-file input-path does not name). Remove the link or name what it leads to.'
    )
  }
}

// `**` and `.` would otherwise take .git/config (the checkout's token) and .env along with the data.
function wanted(workspacePath: string, named: RegExp[]): boolean {
  const segments = workspacePath.split('/')
  if (segments.includes('.git')) return false
  return segments.every(segment => !segment.startsWith('.') || named.some(name => name.test(segment)))
}

/** The pattern's segments naming dot-files or dot-folders (`.env`, `.hidden`, `.*`), as one-segment matchers. */
function dotSegmentsNamedBy(pattern: string): RegExp[] {
  return pattern
    .split(sep)
    .filter(segment => segment.startsWith('.') && segment !== '..')
    .map(segment => {
      const source = segment
        .replace(/[.+^$(){}|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
      return new RegExp(`^${source}$`)
    })
}

function specialKind(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  return 'something other than a file'
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory()
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
