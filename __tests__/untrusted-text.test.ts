import { logSafe, markdownSafe, trustedLink } from '../src/untrusted-text.js'

// What the runner would take as a command on a line of the log: `::name` at its start (after blanks) or `##[` anywhere.
function runnerCommandIn(line: string): boolean {
  return /^\s*::/.test(line) || line.includes('##[')
}

describe('logSafe', () => {
  it.each([
    ['Running\n::add-mask::hunter2'],
    ['Running\r::error title=x::forged'],
    ['::warning::forged'],
    ['  ::stop-commands::token'],
    ['Completed ##[error]forged'],
    ['a\u2028::set-output name=x::y'],
    ['a\u0085::error::x']
  ])('gives one line that holds no runner command: %j', text => {
    const safe = logSafe(text)
    expect(safe.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)).toHaveLength(1)
    expect(runnerCommandIn(safe)).toBe(false)
  })

  it('keeps ordinary text as it is, and shows what it escaped', () => {
    expect(logSafe('Job batchjob-1 is Running: https://ml.azure.com/runs/x?wsid=/a/b')).toBe(
      'Job batchjob-1 is Running: https://ml.azure.com/runs/x?wsid=/a/b'
    )
    expect(logSafe('line 1\nline 2\ttab')).toBe('line 1\\nline 2\\ttab')
  })

  it('cuts long text', () => {
    expect(logSafe('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}…`)
  })
})

describe('markdownSafe', () => {
  it('shows HTML instead of rendering it', () => {
    expect(markdownSafe('<img src=x onerror=alert(1)>')).not.toMatch(/<img/)
  })

  it('cannot open a link, an image or a code span, or end a table cell', () => {
    const safe = markdownSafe('![x](https://evil.example/p.png) `code` a|b [l](https://evil.example)')
    expect(safe).not.toMatch(/(^|[^\\])!\[/)
    expect(safe).not.toMatch(/(^|[^\\])`/)
    expect(safe).not.toMatch(/(^|[^\\])\|/)
    expect(safe).not.toMatch(/(^|[^\\])\]\(/)
  })

  it('keeps the text on one line', () => {
    expect(markdownSafe('a\n\n| b |\r\nc')).not.toMatch(/[\r\n]/)
  })
})

describe('trustedLink', () => {
  const studio = ['ml.azure.com']
  it('keeps an https link to an expected host', () => {
    expect(trustedLink('https://ml.azure.com/runs/x?wsid=/s/1', studio)).toBe('https://ml.azure.com/runs/x?wsid=/s/1')
  })

  it.each([
    'http://ml.azure.com/runs/x',
    'https://ml.azure.com.evil.example/x',
    'https://evil.example/ml.azure.com',
    'https://user:pass@ml.azure.com/x',
    'https://ml.azure.com:8443/x',
    'javascript:alert(1)',
    'not a url'
  ])('refuses %s', url => {
    expect(trustedLink(url, studio)).toBeUndefined()
  })
})
