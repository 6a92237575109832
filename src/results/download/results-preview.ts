import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { formatBytes } from '../../storage/progress.js'
import { markdownSafe } from '../../untrusted-text.js'
import { detectSeparator, parseRecords, RecordCounter } from './csv-records.js'
import type { ResultFile } from './result-files.js'

const previewRows = 10
// The preview parses only the start of the file: ten rows of predictions fit many times over.
const previewBytes = 64 * 1024
const listedFiles = 20
const maxColumns = 12

export interface CsvPreview {
  file: ResultFile
  rows: number
  firstRows: string[][]
}

/** The first rows of a CSV result, and its row count, read by streaming: the file is never held whole. */
export async function previewCsv(file: ResultFile): Promise<CsvPreview> {
  const handle = await open(file.localPath, 'r')
  let head: string
  try {
    const buffer = Buffer.alloc(Math.min(previewBytes, file.size))
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    head = buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    await handle.close()
  }
  const counter = new RecordCounter()
  for await (const chunk of createReadStream(file.localPath, { encoding: 'utf8' })) counter.push(chunk as string)
  const firstRows = parseRecords(head, detectSeparator(head), previewRows, file.size <= previewBytes)
  return { file, rows: counter.end(), firstRows }
}

export function isCsv(file: ResultFile): boolean {
  return /\.csv$/i.test(file.relativePath)
}

/** The summary's Results section: what was downloaded, and a look at the predictions. Every cell is escaped. */
export function resultsMarkdown(files: readonly ResultFile[], downloadPath: string, preview?: CsvPreview): string {
  const lines = ['#### Results', '']
  const bytes = files.reduce((sum, file) => sum + file.size, 0)
  const count = `${files.length} file${files.length === 1 ? '' : 's'}`
  lines.push(`Downloaded ${count} (${formatBytes(bytes)}) into ${markdownSafe(downloadPath)}.`, '')
  if (preview) {
    const rows = `${preview.rows} row${preview.rows === 1 ? '' : 's'}`
    const shown = preview.firstRows.length < preview.rows ? `; the first ${preview.firstRows.length}` : ''
    lines.push(`**${markdownSafe(preview.file.relativePath)}**: ${rows}${shown}.`, '')
    const width = Math.min(maxColumns, Math.max(1, ...preview.firstRows.map(row => row.length)))
    if (preview.firstRows.length > 0) {
      const columns = Array.from({ length: width }, (_, i) => String(i + 1))
      lines.push(`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`)
      for (const row of preview.firstRows) {
        const cells = Array.from({ length: width }, (_, i) => markdownSafe(row[i] ?? '', 200))
        lines.push(`| ${cells.join(' | ')} |`)
      }
      lines.push('')
    }
  }
  if (files.length > 1 || !preview) {
    lines.push('| File | Size |', '|---|---|')
    for (const file of files.slice(0, listedFiles)) {
      lines.push(`| ${markdownSafe(file.relativePath)} | ${formatBytes(file.size)} |`)
    }
    if (files.length > listedFiles) lines.push(`| … and ${files.length - listedFiles} more | |`)
    lines.push('')
  }
  return lines.join('\n')
}
