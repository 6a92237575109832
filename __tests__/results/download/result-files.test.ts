import { DownloadPlan, type ListedBlob } from '../../../src/results/download/result-files.js'
import type { DataType } from '../../../src/job/job-definition.js'

function plan(blobs: ListedBlob[], type: DataType = 'UriFolder', path = 'out/'): DownloadPlan {
  const planned = new DownloadPlan(type, path, '/w/r')
  for (const blob of blobs) planned.add(blob)
  return planned
}

describe('DownloadPlan', () => {
  const blobs = [
    { name: 'out/predictions.csv', size: 10 },
    { name: 'out/predictions.csv.bak', size: 1 },
    { name: 'out/parts/1.csv', size: 2 }
  ]

  it('takes the one blob of a file output, and everything below a folder output', () => {
    expect(plan(blobs, 'UriFile', 'out/predictions.csv').files.map(f => f.relativePath)).toEqual(['predictions.csv'])
    expect(plan(blobs, 'UriFolder', 'out').files.map(f => [f.relativePath, f.localPath])).toEqual([
      ['predictions.csv', '/w/r/predictions.csv'],
      ['predictions.csv.bak', '/w/r/predictions.csv.bak'],
      ['parts/1.csv', '/w/r/parts/1.csv']
    ])
  })

  it('refuses the whole download when one name would land outside download-path', () => {
    expect(() => plan([...blobs, { name: 'out/../../../etc/cron.d/x', size: 1 }])).toThrow(
      /would land outside download-path/
    )
    expect(() => plan([{ name: 'out/.', size: 1 }])).toThrow(/would land outside download-path/)
  })

  it('reads // and ./ as the file they land on, and refuses two blobs on one file', () => {
    expect(plan([{ name: 'out//a/./b.csv', size: 1 }]).files.map(f => f.relativePath)).toEqual(['a/b.csv'])
    expect(() =>
      plan([
        { name: 'out/a/b.csv', size: 1 },
        { name: 'out/./a/b.csv', size: 1 }
      ])
    ).toThrow(
      "The blob 'out/./a/b.csv' and the blob 'out/a/b.csv' would both be written to a/b.csv; nothing was downloaded."
    )
  })

  it('refuses a blob that is a file where another needs a folder, in either order', () => {
    expect(() =>
      plan([
        { name: 'out/a', size: 3 },
        { name: 'out/a/b.csv', size: 1 }
      ])
    ).toThrow("The blob 'out/a/b.csv' needs a folder where the blob 'out/a' is a file")
    expect(() =>
      plan([
        { name: 'out/a/b.csv', size: 1 },
        { name: 'out/a', size: 3 }
      ])
    ).toThrow("The blob 'out/a' and the blob 'out/a/b.csv' would both be written to a")
  })

  it("skips a folder's empty marker blob", () => {
    expect(
      plan([
        { name: 'out/a', size: 0 },
        { name: 'out/a/b.csv', size: 1 }
      ]).files.map(f => f.relativePath)
    ).toEqual(['a/b.csv'])
    expect(
      plan([
        { name: 'out/a/b.csv', size: 1 },
        { name: 'out/a', size: 0 }
      ]).files.map(f => f.relativePath)
    ).toEqual(['a/b.csv'])
  })

  it('refuses control characters and backslashes, showing the name escaped', () => {
    expect(() => plan([{ name: 'out/a\u0000b', size: 1 }])).toThrow(
      "The blob 'out/a\\u0000b' holds a control character"
    )
    expect(() => plan([{ name: 'out/a\u2028::error::x', size: 1 }])).toThrow("'out/a\\u2028::error::x'")
    expect(() => plan([{ name: 'out/a\\..\\..\\x', size: 1 }])).toThrow(/or a backslash/)
  })

  it('never writes into a .git folder, in any case', () => {
    expect(() => plan([{ name: 'out/.git/config', size: 1 }])).toThrow(/would be written into a \.git folder/)
    expect(() => plan([{ name: 'out/sub/.GIT/hooks/pre-commit', size: 1 }])).toThrow(/\.git folder/)
    expect(() => plan([{ name: 'out/sub/.git', size: 1 }])).toThrow(/\.git folder/)
  })
})
