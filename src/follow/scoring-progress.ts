import { answerCutNote } from '../azure/capped-http-client.js'
import { logSortKey } from '../run-history/log-names.js'
import { logSafe } from '../untrusted-text.js'

// The scoring step's logs read as they grow, a range at a time: where each read starts, which lines it completes and
// which file to follow. Pure; scoring-watch.ts does the reading. A log is never kept: only the byte where the next
// read starts, which is the start of the first line not yet complete, so a line cut by the end of a read is read
// again, whole, at the next one.

/** How much of a log one read asks for: a log that grew by more is read on at the next polls. */
export const readCapBytes = 1024 * 1024
/** The user error log's lines shown per poll: a script that fails on every file would flood the log otherwise. */
export const errorLinesPerPoll = 20
/**
 * The progress log's lines shown per read: a few a minute is what the service writes, but a scoring script can write
 * there too, and one read of 1 MiB can hold half a million lines. The newest are the ones that tell the progress.
 */
export const progressLinesPerRead = 100
// A log line is the service's text: one is shown up to this many characters.
const lineChars = 500

/** Where a log is read from next. */
export interface LogCursor {
  name: string
  /** The first byte not yet shown: the start of a line. */
  offset: number
}

/** What one ranged read answered, as run-history.ts gives it. */
export interface RangeAnswer {
  text: string
  contentRange: string | undefined
  status: number
}

export interface TakenLines {
  lines: string[]
  /** Where the next read starts. */
  offset: number
  /** The read reached the end of the log as it is now. */
  atEnd: boolean
  /** The text after the last line end: a line still being written, or the last line of a log the service left. */
  rest: string
}

export function rangeFrom(offset: number, capBytes = readCapBytes): string {
  return `bytes=${offset}-${offset + capBytes - 1}`
}

/**
 * The complete lines of a read that started at `offset`, and where the next read starts: after the last line end.
 * A read that holds no line end although it filled its range is one line longer than a read: it is shown cut, so
 * that the log is read on. Undefined when the service sent another part than the one asked for (the whole log
 * although a later byte was asked for, or a range that starts elsewhere): where the new bytes begin is then unknown.
 */
export function takeLines(answer: RangeAnswer, offset: number, capBytes = readCapBytes): TakenLines | undefined {
  // Nothing from there on: the log is empty, or no longer than what was read (Azure answers 416, an emulator may
  // answer an empty part).
  if (answer.status === 416 || answer.text === '') return { lines: [], offset, atEnd: true, rest: '' }
  if (answer.status === 200 && offset > 0) return undefined
  // A part must start where it was asked to: a range that starts elsewhere would show lines twice or skip them.
  const asked = /^bytes (\d+)-(\d+)\/(\d+)\s*$/.exec(answer.contentRange ?? '')
  if (answer.status === 206 && (!asked || Number(asked[1]) !== offset || Number(asked[2]) < offset)) return undefined
  const cut = answer.text.endsWith(answerCutNote)
  const text = cut ? answer.text.slice(0, -answerCutNote.length) : answer.text
  const range = /^bytes (\d+)-(\d+)\/(\d+)\s*$/.exec(answer.contentRange ?? '')
  // 200 is the whole log; a 206 is the end of the log when its last byte is the log's last.
  const atEnd = answer.status === 200 ? !cut : range !== null && Number(range[2]) + 1 >= Number(range[3])
  const newline = text.lastIndexOf('\n') + 1
  const end = newline === 0 && Buffer.byteLength(text) >= capBytes ? text.length : newline
  const complete = text.slice(0, end)
  // Bytes that are no UTF-8 were decoded as U+FFFD, whose length in bytes is not theirs: where the lines end in
  // bytes is then unknown, and the whole range is taken, its last line cut, rather than lines read twice or skipped.
  if (complete.includes('\uFFFD') && range) {
    return { lines: logLines(text), offset: Number(range[2]) + 1, atEnd, rest: '' }
  }
  return { lines: logLines(complete), offset: offset + Buffer.byteLength(complete), atEnd, rest: text.slice(end) }
}

/** The lines of a text, blank ones left out. */
export function logLines(text: string): string[] {
  return text
    .split('\n')
    .map(line => line.replace(/\r$/, ''))
    .filter(line => line.trim() !== '')
}

/**
 * Whether to leave `current` for `newest`: a timestamped name sorts after the one it follows. A name that sorts
 * earlier is not followed back.
 */
export function rotatesTo(current: LogCursor | undefined, newest: string | undefined): boolean {
  return current !== undefined && newest !== undefined && logSortKey(newest) > logSortKey(current.name)
}

/** A progress line as the log shows it: the service's words, prefixed. */
export function progressLine(line: string): string {
  return `  scoring: ${logSafe(line, lineChars)}`
}

/** The last `max` of the new progress lines, after how many earlier ones are not shown. */
export function progressLogLines(lines: readonly string[], max = progressLinesPerRead): string[] {
  const skipped = lines.length - max
  const shown = lines.slice(Math.max(skipped, 0)).map(progressLine)
  if (skipped > 0) shown.unshift(`  scoring: … ${skipped} earlier ${skipped === 1 ? 'line' : 'lines'}`)
  return shown
}

/** At most `max` of the new error lines, then how many more there were. */
export function errorLogLines(lines: readonly string[], max = errorLinesPerPoll): string[] {
  const shown = lines.slice(0, max).map(line => `  scoring error: ${logSafe(line, lineChars)}`)
  const more = lines.length - max
  if (more > 0) shown.push(`  scoring error: … ${more} more ${more === 1 ? 'line' : 'lines'}`)
  return shown
}
