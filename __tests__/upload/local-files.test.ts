import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findInputFiles } from '../../src/upload/local-files.js'

// A checkout on disk, with data in nested folders and a secret next to it.
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'checkout-'))
  const files: Record<string, string> = {
    'data/incoming/2026/11/a.csv': 'a,b\n1,2\n',
    'data/incoming/2026/11/b.csv': 'x\n',
    'data/incoming/notes.txt': 'notes',
    'data/other/c.csv': 'c',
    'README.md': '# repo'
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

describe('findInputFiles', () => {
  it('takes a folder whole, keeping the structure below it', async () => {
    const root = checkout()
    const files = await findInputFiles('data/incoming', root)
    expect(files.map(f => [f.workspacePath, f.uploadPath, f.size])).toEqual([
      ['data/incoming/2026/11/a.csv', '2026/11/a.csv', 8],
      ['data/incoming/2026/11/b.csv', '2026/11/b.csv', 2],
      ['data/incoming/notes.txt', 'notes.txt', 5]
    ])
  })

  it('takes a glob, relative to its folder part', async () => {
    const root = checkout()
    const files = await findInputFiles('data/incoming/**/*.csv', root)
    expect(files.map(f => f.uploadPath)).toEqual(['2026/11/a.csv', '2026/11/b.csv'])
  })

  it('takes a single file', async () => {
    const root = checkout()
    const files = await findInputFiles('data/other/c.csv', root)
    expect(files.map(f => [f.workspacePath, f.uploadPath])).toEqual([['data/other/c.csv', 'c.csv']])
  })

  it('refuses a path outside the workspace', async () => {
    const root = checkout()
    await expect(findInputFiles('../etc', root)).rejects.toThrow(
      "Input 'input-path' ('../etc') points outside the workspace"
    )
    await expect(findInputFiles('/etc/passwd', root)).rejects.toThrow('points outside the workspace')
  })

  it('refuses a symbolic link that leads out of the workspace', async () => {
    const root = checkout()
    const outside = mkdtempSync(join(tmpdir(), 'outside-'))
    writeFileSync(join(outside, 'secret.txt'), 'do not upload')
    symlinkSync(join(outside, 'secret.txt'), join(root, 'data/incoming/link.txt'))
    await expect(findInputFiles('data/incoming', root)).rejects.toThrow(
      "Input 'input-path': data/incoming/link.txt is a symbolic link to"
    )
  })

  it('says so when nothing matches', async () => {
    const root = checkout()
    await expect(findInputFiles('data/**/*.parquet', root)).rejects.toThrow(
      "Input 'input-path' ('data/**/*.parquet') matches no file in the workspace."
    )
  })
})
