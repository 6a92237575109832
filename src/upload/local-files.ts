import * as glob from '@actions/glob'
import { lstat, realpath, stat } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { InputError } from '../input-formats.js'

export interface LocalFile {
  absolutePath: string
  /** Path inside the workspace (the repository checkout), with / separators: what a push lists. */
  workspacePath: string
  /** Path below the pattern's base folder, with / separators: where it lands under the upload prefix. */
  uploadPath: string
  size: number
}

/**
 * The files `input-path` names inside the workspace: a file, a folder (everything below it) or a glob. Nothing
 * outside the workspace is ever read, through `..` or through a symlink.
 */
export async function findInputFiles(pattern: string, workspace: string): Promise<LocalFile[]> {
  const root = await realpath(workspace)
  const target = resolve(root, pattern)
  if (!inside(root, target.replace(/[*?[{].*$/, ''))) {
    throw new InputError(`Input 'input-path' ('${pattern}') points outside the workspace ${root}.`)
  }
  const globber = await glob.create(target, { followSymbolicLinks: false, matchDirectories: false })
  const [searchPath = root] = globber.getSearchPaths()
  const base = (await isFile(searchPath)) ? dirname(searchPath) : searchPath
  const files: LocalFile[] = []
  for (const path of await globber.glob()) {
    const real = await realpath(path)
    if (!inside(root, real)) {
      throw new InputError(
        `Input 'input-path': ${relative(root, path)} is a symbolic link to ${real}, outside the workspace.`
      )
    }
    const info = await lstat(path)
    if (info.isSymbolicLink() && !(await stat(path)).isFile()) continue
    files.push({
      absolutePath: real,
      workspacePath: relative(root, path).split(sep).join('/'),
      uploadPath: relative(base, path).split(sep).join('/'),
      size: (await stat(real)).size
    })
  }
  if (files.length === 0) throw new InputError(`Input 'input-path' ('${pattern}') matches no file in the workspace.`)
  return files.sort((a, b) => a.workspacePath.localeCompare(b.workspacePath))
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
