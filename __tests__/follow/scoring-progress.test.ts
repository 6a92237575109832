import { answerCutNote } from '../../src/azure/capped-http-client.js'
import {
  errorLogLines,
  progressLine,
  progressLogLines,
  rangeFrom,
  rotatesTo,
  takeLines,
  type RangeAnswer
} from '../../src/follow/scoring-progress.js'

/** What the blob service answers a range of `log` from `offset`, at most `cap` bytes. */
function ranged(log: string | Buffer, offset: number, cap = 1024 * 1024): RangeAnswer {
  const bytes = Buffer.from(log)
  if (offset >= bytes.length) return { text: '', contentRange: undefined, status: 416 }
  const part = bytes.subarray(offset, offset + cap)
  return {
    text: part.toString('utf8'),
    contentRange: `bytes ${offset}-${offset + part.length - 1}/${bytes.length}`,
    status: 206
  }
}

describe('rangeFrom', () => {
  it('asks for at most the cap, from the first byte not yet shown', () => {
    expect(rangeFrom(0)).toBe('bytes=0-1048575')
    expect(rangeFrom(4096, 100)).toBe('bytes=4096-4195')
  })
})

describe('takeLines', () => {
  it('takes the complete lines and starts the next read at the line still being written', () => {
    const log = 'created: 40\nprocessed: 1\nproce'
    const taken = takeLines(ranged(log, 0), 0)
    expect(taken).toEqual({ lines: ['created: 40', 'processed: 1'], offset: 25, atEnd: true, rest: 'proce' })
    // The line grew: it is read again from its start, and shown whole.
    const grown = `${log}ssed: 2\n`
    expect(takeLines(ranged(grown, 25), 25)).toEqual({ lines: ['processed: 2'], offset: 38, atEnd: true, rest: '' })
  })

  it('shows each line of a log once, however the reads cut it', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}`)
    const log = `${lines.join('\r\n')}\r\n`
    const shown: string[] = []
    let offset = 0
    for (let reads = 0; reads < 1000; reads++) {
      const taken = takeLines(ranged(log, offset, 37), offset, 37)!
      shown.push(...taken.lines)
      offset = taken.offset
      if (taken.atEnd && taken.rest === '') break
    }
    expect(shown).toEqual(lines)
    expect(offset).toBe(Buffer.byteLength(log))
  })

  it('says the end of the log is reached only when the last byte read is its last', () => {
    const log = 'a\nb\nc\n'
    expect(takeLines(ranged(log, 0, 2), 0, 2)).toMatchObject({ lines: ['a'], offset: 2, atEnd: false })
    expect(takeLines(ranged(log, 4, 2), 4, 2)).toMatchObject({ lines: ['c'], offset: 6, atEnd: true })
    expect(takeLines(ranged(log, 6), 6)).toEqual({ lines: [], offset: 6, atEnd: true, rest: '' })
  })

  it('moves on past a line longer than a read, showing its start', () => {
    const taken = takeLines(ranged('x'.repeat(100), 0, 10), 0, 10)
    expect(taken).toMatchObject({ lines: ['x'.repeat(10)], offset: 10, atEnd: false })
  })

  it('reads a log sent whole from its start, and refuses one sent whole from a later byte', () => {
    const whole = { text: 'a\nb', contentRange: undefined, status: 200 }
    expect(takeLines(whole, 0)).toEqual({ lines: ['a'], offset: 2, atEnd: true, rest: 'b' })
    expect(takeLines(whole, 2)).toBeUndefined()
  })

  it('keeps only complete lines of an answer the client cut', () => {
    const cut = { text: `a\nb\nhalf${answerCutNote}`, contentRange: 'bytes 0-9999999/20000000', status: 206 }
    expect(takeLines(cut, 0)).toEqual({ lines: ['a', 'b'], offset: 4, atEnd: false, rest: 'half' })
  })

  it('takes a whole range when bytes that are no UTF-8 hide where its lines end, and reads on after it', () => {
    const log = Buffer.concat([Buffer.from('a\nb'), Buffer.from([0xff, 0xfe]), Buffer.from('c\nd\ne')])
    const taken = takeLines(ranged(log, 0, 9), 0, 9)
    expect(taken).toEqual({ lines: ['a', 'b\uFFFD\uFFFDc', 'd'], offset: 9, atEnd: false, rest: '' })
    expect(takeLines(ranged(log, 9), 9)).toEqual({ lines: [], offset: 9, atEnd: true, rest: 'e' })
  })

  it('refuses a part that starts elsewhere than asked, or says nothing of where it starts', () => {
    const part = (contentRange: string | undefined) => ({ text: 'a\nb\n', contentRange, status: 206 })
    expect(takeLines(part('bytes 0-3/10'), 500)).toBeUndefined()
    expect(takeLines(part('bytes 999999999-9999999999999/1'), 500)).toBeUndefined()
    expect(takeLines(part(undefined), 0)).toBeUndefined()
    // An empty part says nothing is new, wherever it claims to start.
    expect(takeLines({ text: '', contentRange: 'bytes 0--1/0', status: 206 }, 0)).toEqual({
      lines: [],
      offset: 0,
      atEnd: true,
      rest: ''
    })
    expect(takeLines(part('bytes 500-503/504'), 500)).toMatchObject({ lines: ['a', 'b'], offset: 504, atEnd: true })
  })

  it('leaves blank lines out', () => {
    expect(takeLines(ranged('a\n\n  \r\nb\n', 0), 0)?.lines).toEqual(['a', 'b'])
  })
})

describe('rotatesTo', () => {
  it('follows a newer timestamped file, never an older one', () => {
    const current = { name: 'logs/job_progress_overview.20261128083000.txt', offset: 10 }
    expect(rotatesTo(current, 'logs/job_progress_overview.20261128093000.txt')).toBe(true)
    expect(rotatesTo(current, current.name)).toBe(false)
    expect(rotatesTo(current, 'logs/job_progress_overview.20261128073000.txt')).toBe(false)
    expect(rotatesTo(undefined, current.name)).toBe(false)
    // The plain name is the oldest, although '.txt' sorts after a timestamp's digits.
    expect(rotatesTo({ name: 'logs/job_progress_overview.txt', offset: 0 }, current.name)).toBe(true)
    expect(rotatesTo(current, 'logs/job_progress_overview.txt')).toBe(false)
  })
})

describe('the lines shown', () => {
  it('are prefixed as the service words, with nothing the runner or a terminal would act on', () => {
    expect(progressLine('processed: 12')).toBe('  scoring: processed: 12')
    expect(progressLine('::error::x')).toBe('  scoring: \\x3a:error::x')
    expect(progressLine('\u001b[31mred\u001b[0m ##[group]g')).toBe('  scoring: \\u001b[31mred\\u001b[0m #\\x23[group]g')
    expect(progressLine('a\u2028::stop-commands::t')).toBe('  scoring: a\\u2028::stop-commands::t')
  })

  it('of the progress log are the newest 100 of a read, after how many earlier ones are not shown', () => {
    const lines = Array.from({ length: 500_000 }, (_, i) => `batch ${i}`)
    const shown = progressLogLines(lines)
    expect(shown).toHaveLength(101)
    expect(shown[0]).toBe('  scoring: … 499900 earlier lines')
    expect(shown[1]).toBe('  scoring: batch 499900')
    expect(shown.at(-1)).toBe('  scoring: batch 499999')
    expect(progressLogLines(lines.slice(0, 100))).toHaveLength(100)
    expect(progressLogLines(lines.slice(0, 101))[0]).toBe('  scoring: … 1 earlier line')
  })

  it('of the error log are at most 20 a poll, then how many more', () => {
    const lines = Array.from({ length: 23 }, (_, i) => `error ${i}`)
    const shown = errorLogLines(lines)
    expect(shown).toHaveLength(21)
    expect(shown[0]).toBe('  scoring error: error 0')
    expect(shown[19]).toBe('  scoring error: error 19')
    expect(shown[20]).toBe('  scoring error: … 3 more lines')
    expect(errorLogLines(lines.slice(0, 20))).toHaveLength(20)
    expect(errorLogLines(lines.slice(0, 21)).at(-1)).toBe('  scoring error: … 1 more line')
  })
})
