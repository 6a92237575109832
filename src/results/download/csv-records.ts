// The CSV a batch deployment writes: predictions.csv has no header, and its fields are separated by commas (MLflow
// deployments, pandas) or by spaces (the default append_row of scoring scripts that return lists of strings). Quoted
// fields may hold separators, doubled quotes and line breaks. Small enough to read here rather than take a parser
// dependency into the bundle for ten rows. Pure.

export type Separator = ',' | 'space'

/** Comma when the first line has one outside quotes; otherwise runs of spaces or tabs. */
export function detectSeparator(text: string): Separator {
  let quoted = false
  for (const character of text) {
    if (character === '"') quoted = !quoted
    else if (!quoted && character === ',') return ','
    else if (!quoted && (character === '\n' || character === '\r')) break
  }
  return 'space'
}

/**
 * The first `max` records of `text`. A record cut off at the end of `text` (a preview reads only the start of a
 * file) is left out unless `text` is the whole file.
 */
export function parseRecords(text: string, separator: Separator, max: number, complete: boolean): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  let fieldStarted = false
  const endField = () => {
    if (separator === 'space' && !fieldStarted && field === '') return
    record.push(field)
    field = ''
    fieldStarted = false
  }
  const endRecord = () => {
    endField()
    // A blank line is no record, whatever the separator.
    if (record.length > 1 || (record[0] ?? '') !== '' || fieldStarted) records.push(record)
    record = []
  }
  for (let i = 0; i < text.length && records.length < max; i++) {
    const character = text[i] ?? ''
    if (quoted) {
      if (character !== '"') field += character
      else if (text[i + 1] === '"') field += text[++i]
      else quoted = false
      continue
    }
    if (character === '"' && field === '') {
      quoted = true
      fieldStarted = true
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[i + 1] === '\n') i++
      endRecord()
    } else if (separator === ',' ? character === ',' : character === ' ' || character === '\t') {
      if (separator === ',') fieldStarted = true
      endField()
    } else {
      field += character
      fieldStarted = true
    }
  }
  if (complete && records.length < max && (field !== '' || record.length > 0)) endRecord()
  return records
}

/** Counts records chunk by chunk, so that a file of any size is counted without holding it. */
export class RecordCounter {
  count = 0
  private quoted = false
  private lineHasContent = false
  private lastWasCarriageReturn = false

  push(chunk: string): void {
    for (const character of chunk) {
      if (character === '"') this.quoted = !this.quoted
      if (this.quoted) {
        this.lineHasContent = true
        continue
      }
      if (character === '\n' || character === '\r') {
        const secondHalfOfCrLf = character === '\n' && this.lastWasCarriageReturn
        if (this.lineHasContent && !secondHalfOfCrLf) this.count++
        this.lineHasContent = false
      } else if (character.trim() !== '') {
        this.lineHasContent = true
      }
      this.lastWasCarriageReturn = character === '\r'
    }
  }

  end(): number {
    if (this.lineHasContent) this.count++
    this.lineHasContent = false
    return this.count
  }
}
