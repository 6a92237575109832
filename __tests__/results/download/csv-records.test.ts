import { detectSeparator, parseRecords, RecordCounter } from '../../../src/results/download/csv-records.js'

describe('detectSeparator', () => {
  it('takes a comma outside quotes on the first line, else spaces', () => {
    expect(detectSeparator('a.csv,0.81\nb.csv,0.2\n')).toBe(',')
    expect(detectSeparator('a.csv 0.81\nb.csv 0.2\n')).toBe('space')
    expect(detectSeparator('"a,b" 0.81\nc,d\n')).toBe('space')
  })
})

describe('parseRecords', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks', () => {
    const text = 'a.csv,"1,5",x\n"say ""hi""","two\nlines",\n'
    expect(parseRecords(text, ',', 10, true)).toEqual([
      ['a.csv', '1,5', 'x'],
      ['say "hi"', 'two\nlines', '']
    ])
  })

  it('splits space-separated predictions on runs of spaces and tabs, skipping blank lines', () => {
    expect(parseRecords('a.csv  0.81\r\n\r\nb.csv\t0.2', 'space', 10, true)).toEqual([
      ['a.csv', '0.81'],
      ['b.csv', '0.2']
    ])
  })

  it('stops at max, and leaves out a record cut off at the end of a partial read', () => {
    expect(parseRecords('1,a\n2,b\n3,c\n', ',', 2, true)).toEqual([
      ['1', 'a'],
      ['2', 'b']
    ])
    expect(parseRecords('1,a\n2,b\n3,', ',', 10, false)).toEqual([
      ['1', 'a'],
      ['2', 'b']
    ])
  })
})

describe('RecordCounter', () => {
  it('counts records across chunks, a quoted line break and CRLF included, blank lines not', () => {
    const counter = new RecordCounter()
    for (const chunk of ['a,"x', '\ny"\r', '\n\n', 'b,1\r\nc,2']) counter.push(chunk)
    expect(counter.end()).toBe(3)
  })
})
