import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { previewCsv, resultsMarkdown } from '../../../src/results/download/results-preview.js'
import type { ResultFile } from '../../../src/results/download/result-files.js'

function resultFile(content: string, name = 'predictions.csv'): ResultFile {
  const localPath = join(mkdtempSync(join(tmpdir(), 'preview-')), name)
  writeFileSync(localPath, content)
  return { blobName: `out/${name}`, relativePath: name, localPath, size: Buffer.byteLength(content) }
}

describe('previewCsv', () => {
  it('counts every row and keeps the first ten', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `file-${i}.csv ${i / 100}`)
    const preview = await previewCsv(resultFile(`${rows.join('\n')}\n`))
    expect(preview.rows).toBe(25)
    expect(preview.firstRows).toHaveLength(10)
    expect(preview.firstRows[9]).toEqual(['file-9.csv', '0.09'])
  })
})

describe('resultsMarkdown', () => {
  it('escapes what the file holds: pipes, HTML, markdown and line breaks stay inside their cell', async () => {
    const file = resultFile('"a|b","<img src=x onerror=alert(1)>"\n"[link](https://evil.example)","two\nlines"\n')
    const markdown = resultsMarkdown([file], '/work/results', await previewCsv(file))
    const table = markdown.split('\n').filter(line => line.startsWith('|'))
    expect(table).toHaveLength(4)
    expect(table.every(line => line.split(/(?<!\\)\|/).length === 4)).toBe(true)
    expect(markdown).not.toContain('<img')
    expect(markdown).not.toContain('](https')
    expect(markdown).toContain('2 rows')
  })

  it('lists the files and their sizes of an output that is not one CSV file', () => {
    const files = [resultFile('{}', 'summary.json'), resultFile('abc', 'part-1.bin')]
    const markdown = resultsMarkdown(files, '/work/results')
    expect(markdown).toContain('Downloaded 2 files (5 B)')
    expect(markdown).toContain('| summary\\.json | 2 B |')
    expect(markdown).toContain('| part\\-1\\.bin | 3 B |')
  })
})
