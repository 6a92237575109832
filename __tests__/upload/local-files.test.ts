import { execFileSync } from 'node:child_process'
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storedBlobPath } from '../../src/upload/blob-names.js'
import { findInputFiles } from '../../src/upload/local-files.js'
import { writeCheckout } from '../../test/checkout.js'

const prefix = 'github/contoso/heart-data/4242-1'

// A checkout on disk, with data in nested folders and a secret next to it.
function checkout(): string {
  return writeCheckout({
    'data/incoming/2026/11/a.csv': 'a,b\n1,2\n',
    'data/incoming/2026/11/b.csv': 'x\n',
    'data/incoming/notes.txt': 'notes',
    'data/other/c.csv': 'c',
    'README.md': '# repo'
  })
}

describe('findInputFiles', () => {
  it('takes a folder whole, keeping the structure below it', async () => {
    const root = checkout()
    const files = await findInputFiles('data/incoming', root, prefix)
    expect(files.map(f => [f.workspacePath, f.uploadPath, f.size])).toEqual([
      ['data/incoming/2026/11/a.csv', '2026/11/a.csv', 8],
      ['data/incoming/2026/11/b.csv', '2026/11/b.csv', 2],
      ['data/incoming/notes.txt', 'notes.txt', 5]
    ])
  })

  it('takes a glob, relative to its folder part', async () => {
    const root = checkout()
    const files = await findInputFiles('data/incoming/**/*.csv', root, prefix)
    expect(files.map(f => f.uploadPath)).toEqual(['2026/11/a.csv', '2026/11/b.csv'])
  })

  it('takes a single file', async () => {
    const root = checkout()
    const files = await findInputFiles('data/other/c.csv', root, prefix)
    expect(files.map(f => [f.workspacePath, f.uploadPath])).toEqual([['data/other/c.csv', 'c.csv']])
  })

  it('refuses a path outside the workspace', async () => {
    const root = checkout()
    await expect(findInputFiles('../etc', root, prefix)).rejects.toThrow(
      "Input 'input-path' ('../etc') points outside the workspace"
    )
    await expect(findInputFiles('/etc/passwd', root, prefix)).rejects.toThrow('points outside the workspace')
  })

  it('refuses a symbolic link that leads out of the workspace', async () => {
    const root = checkout()
    const outside = mkdtempSync(join(tmpdir(), 'outside-'))
    writeFileSync(join(outside, 'secret.txt'), 'do not upload')
    symlinkSync(join(outside, 'secret.txt'), join(root, 'data/incoming/link.txt'))
    await expect(findInputFiles('data/incoming', root, prefix)).rejects.toThrow(
      "Input 'input-path': data/incoming/link.txt is a symbolic link to"
    )
  })

  it('says so when nothing matches', async () => {
    const root = checkout()
    await expect(findInputFiles('data/**/*.parquet', root, prefix)).rejects.toThrow(
      "Input 'input-path' ('data/**/*.parquet') matches no file in the workspace."
    )
  })

  it('takes a line naming a folder that does not exist as matching nothing, beside lines that match', async () => {
    const root = checkout()
    const files = await findInputFiles('data/other/c.csv\nno-such-folder\nmissing/**/*.csv', root, prefix)
    expect(files.map(f => f.workspacePath)).toEqual(['data/other/c.csv'])
  })

  it('reads each line of input-path as a pattern relative to the workspace', async () => {
    const root = checkout()
    const files = await findInputFiles('data/other/c.csv\n  data/incoming/**/*.csv  \n\n', root, prefix)
    expect(files.map(f => f.workspacePath)).toEqual([
      'data/incoming/2026/11/a.csv',
      'data/incoming/2026/11/b.csv',
      'data/other/c.csv'
    ])
  })
})

// A checkout with what must not leave it: the checkout's token in .git/config, an .env, a dot-folder.
function hostileCheckout(): string {
  return writeCheckout({
    '.git/config': '[http]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW4=\n',
    '.env': 'API_KEY=hunter2',
    '.github/workflows/score.yml': 'on: push',
    'data/.hidden/h.csv': 'h',
    'data/.cache/c.bin': 'c',
    'data/a.csv': 'a',
    'sub/.git': 'gitdir: ../.git/modules/sub',
    'sub/s.csv': 's',
    '..data': 'dd',
    '...csv': 'ddd'
  })
}

describe('findInputFiles and what the repository holds besides data', () => {
  it.each([['**'], ['**/*'], ['.'], ['./']])('never takes .git or dot-files for %s', async pattern => {
    const root = hostileCheckout()
    const files = await findInputFiles(pattern, root, prefix)
    expect(files.map(f => f.workspacePath)).toEqual(['data/a.csv', 'sub/s.csv'])
  })

  it('takes a dot-file or dot-folder that a pattern names', async () => {
    const root = hostileCheckout()
    expect((await findInputFiles('.env', root, prefix)).map(f => f.workspacePath)).toEqual(['.env'])
    expect((await findInputFiles('data/.hidden/*', root, prefix)).map(f => f.uploadPath)).toEqual(['h.csv'])
    expect((await findInputFiles('data/.*/*', root, prefix)).map(f => f.workspacePath)).toEqual([
      'data/.cache/c.bin',
      'data/.hidden/h.csv'
    ])
  })

  it('never takes .git, even when named', async () => {
    const root = hostileCheckout()
    await expect(findInputFiles('.git/config', root, prefix)).rejects.toThrow('matches no file in the workspace')
    await expect(findInputFiles('.git', root, prefix)).rejects.toThrow('matches no file in the workspace')
  })

  // Dot-files too, so named explicitly; what matters is that they are not taken for the parent folder.
  it('takes names that begin with .. inside the workspace', async () => {
    const root = hostileCheckout()
    expect((await findInputFiles('..data', root, prefix)).map(f => f.uploadPath)).toEqual(['..data'])
    expect((await findInputFiles('...csv', root, prefix)).map(f => f.uploadPath)).toEqual(['...csv'])
  })

  it('follows a symbolic link to a folder inside the workspace', async () => {
    const root = checkout()
    symlinkSync(join(root, 'data/other'), join(root, 'data/linked'))
    const files = await findInputFiles('data/linked', root, prefix)
    expect(files.map(f => [f.workspacePath, f.uploadPath, f.absolutePath])).toEqual([
      ['data/linked/c.csv', 'c.csv', join(root, 'data/other/c.csv')]
    ])
  })

  it('refuses a symbolic link to a folder outside the workspace', async () => {
    const root = checkout()
    const outside = mkdtempSync(join(tmpdir(), 'outside-'))
    writeFileSync(join(outside, 'secret.txt'), 'do not upload')
    symlinkSync(outside, join(root, 'data/incoming/elsewhere'))
    await expect(findInputFiles('data/incoming', root, prefix)).rejects.toThrow(
      `Input 'input-path': data/incoming/elsewhere is a symbolic link to ${outside}, outside the workspace.`
    )
  })

  it('refuses a link to / before walking any of it', async () => {
    const root = checkout()
    symlinkSync('/', join(root, 'data/incoming/2026/root'))
    const started = Date.now()
    await expect(findInputFiles('**/*.csv', root, prefix)).rejects.toThrow(
      "Input 'input-path': data/incoming/2026/root is a symbolic link to /, outside the workspace."
    )
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('refuses a folder link out of the workspace inside a dot-folder the search would walk, and only then', async () => {
    const root = writeCheckout({ 'data/a.csv': 'a', '.venv/bin/activate': 'x' })
    symlinkSync('/', join(root, '.venv/root'))
    await expect(findInputFiles('**/*.csv', root, prefix)).rejects.toThrow(
      "Input 'input-path': .venv/root is a symbolic link to /, outside the workspace. Nothing below it would be " +
        'uploaded, but the search for files would walk it'
    )
    // A search that does not go there is not held up by it, nor is a link to a file.
    expect((await findInputFiles('data', root, prefix)).map(f => f.workspacePath)).toEqual(['data/a.csv'])
    const files = writeCheckout({ 'data/a.csv': 'a', '.venv/bin/activate': 'x' })
    symlinkSync('/etc/hostname', join(files, '.venv/bin/python'))
    expect((await findInputFiles('**/*.csv', files, prefix)).map(f => f.workspacePath)).toEqual(['data/a.csv'])
  })

  it('holds the .git and dot-file rule for where a symbolic link leads', async () => {
    const root = writeCheckout({ '.git/config': '[http] extraheader = token', '.env': 'SECRET=1', 'data/a.csv': 'a' })
    symlinkSync('../.git/config', join(root, 'data/cfg.csv'))
    await expect(findInputFiles('data', root, prefix)).rejects.toThrow(
      "Input 'input-path': data/cfg.csv is a symbolic link to .git/config, which is never uploaded"
    )
    const folder = writeCheckout({ '.git/config': 'token', 'data/a.csv': 'a' })
    symlinkSync('../.git', join(folder, 'data/g'))
    await expect(findInputFiles('data', folder, prefix)).rejects.toThrow(
      "Input 'input-path': data/g is a symbolic link to .git, which is never uploaded"
    )
    const dot = writeCheckout({ '.env': 'SECRET=1', 'data/a.csv': 'a' })
    symlinkSync('../.env', join(dot, 'data/env.csv'))
    await expect(findInputFiles('**', dot, prefix)).rejects.toThrow('data/env.csv is a symbolic link to .env')
    // Named, a dot-file is taken through a link as it is taken directly.
    expect((await findInputFiles('.env', dot, prefix)).map(f => f.workspacePath)).toEqual(['.env'])
  })

  it('refuses a named pipe before reading anything, naming it', async () => {
    const root = checkout()
    execFileSync('mkfifo', [join(root, 'data/incoming/pipe.csv')])
    await expect(findInputFiles('data/incoming', root, prefix)).rejects.toThrow(
      "Input 'input-path': data/incoming/pipe.csv is a named pipe (FIFO), not a regular file."
    )
  })
})

describe('findInputFiles and blob names', () => {
  function tree(files: string[]): string {
    return writeCheckout(Object.fromEntries(files.map(path => [path, path])))
  }

  it('stops before any upload when two files would be one blob, naming both', async () => {
    const root = tree(['d/x\\y.csv', 'd/x/y.csv', 'd/z.csv'])
    await expect(findInputFiles('d', root, prefix)).rejects.toThrow(
      `Input 'input-path': d/x/y.csv and d/x\\y.csv would both be stored as the blob ${prefix}/x/y.csv`
    )
  })

  it('finds names the blob service would shorten the same way', async () => {
    const root = tree(['d/a.csv', 'd/a.csv.', 'e/f /g.csv', 'e/f/g.csv'])
    await expect(findInputFiles('d', root, prefix)).rejects.toThrow(
      `d/a.csv and d/a.csv. would both be stored as the blob ${prefix}/a.csv`
    )
    await expect(findInputFiles('e', root, prefix)).rejects.toThrow(
      `e/f /g.csv and e/f/g.csv would both be stored as the blob ${prefix}/f/g.csv`
    )
  })

  it('keeps names that differ only in case apart: blob names are case-sensitive', async () => {
    const root = tree(['d/A.csv', 'd/a.csv'])
    expect((await findInputFiles('d', root, prefix)).map(f => f.uploadPath).sort()).toEqual(['A.csv', 'a.csv'])
  })

  it('uploads a file under the name the blob service keeps', async () => {
    const root = tree(['d/x\\y.csv'])
    expect((await findInputFiles('d', root, prefix)).map(f => f.uploadPath)).toEqual(['x/y.csv'])
  })

  it('refuses names the blob service cannot keep', async () => {
    await expect(findInputFiles('d', tree(['d/a\u0001.csv']), prefix)).rejects.toThrow(
      "Input 'input-path': d/a\\u0001.csv cannot be a blob name"
    )
    await expect(findInputFiles('d', tree(['d/ ./a.csv']), prefix)).rejects.toThrow('cannot be a blob name')
    await expect(findInputFiles('d', tree([`d/${'n'.repeat(200)}.csv`]), 'p'.repeat(830))).rejects.toThrow(
      'characters; blob names have at most 1024. Shorten upload-prefix or the path.'
    )
  })

  it('maps backslashes, trailing dots and spaces as the blob service does', () => {
    expect(storedBlobPath('a\\b/c.csv')).toBe('a/b/c.csv')
    expect(storedBlobPath('a./b .. /c.csv.')).toBe('a/b/c.csv')
    expect(storedBlobPath('..data/...csv')).toBe('..data/...csv')
  })
})
