import { codeBlock, excerpt, logSafe, markdownSafe, tableCode, trustedLink } from '../src/untrusted-text.js'

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

describe('excerpt', () => {
  it('puts service text on one line, cut, with nothing the runner takes as a command', () => {
    expect(excerpt('  HTTP 502\r\n  Bad   Gateway\n')).toBe('HTTP 502 Bad Gateway')
    expect(excerpt('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}…`)
    expect(runnerCommandIn(excerpt('::error::forged'))).toBe(false)
  })

  it('says when there was nothing to show', () => {
    expect(excerpt(' \n ')).toBe('(empty body)')
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

describe('tableCode', () => {
  // Reads a table row's cell the way GitHub does: backslash pairs first, a lone `\|` is an escaped pipe, any other
  // pipe ends the cell. What is left must be exactly one code span holding the text.
  function cellOf(markdown: string): string {
    const cells: string[] = []
    let cell = ''
    for (let i = 0; i < markdown.length; i++) {
      const c = markdown[i]
      if (c === '\\' && i + 1 < markdown.length) {
        cell += markdown[i + 1] === '|' ? '|' : `\\${markdown[i + 1]}`
        i++
      } else if (c === '|') {
        cells.push(cell)
        cell = ''
      } else cell += c
    }
    cells.push(cell)
    expect(cells).toHaveLength(1)
    return cells[0] ?? ''
  }

  function codeSpanContent(cell: string): string {
    const fence = /^`+/.exec(cell)?.[0] ?? ''
    expect(fence.length).toBeGreaterThan(0)
    expect(cell.endsWith(fence)).toBe(true)
    const inner = cell.slice(fence.length, cell.length - fence.length)
    // No run of backticks of the fence's length inside: the span cannot end early.
    expect([...inner.matchAll(/`+/g)].some(run => run[0].length === fence.length)).toBe(false)
    return inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '' ? inner.slice(1, -1) : inner
  }

  it.each([
    'Preparing',
    'a`b',
    '``<img src=https://evil.example/p.png>``',
    '`',
    'x|y',
    'x\\|<img src=https://evil.example/p.png>|',
    'x\\\\|y',
    '![i](https://evil.example/p.png)'
  ])('keeps %j inside one code span of one cell', text => {
    expect(codeSpanContent(cellOf(tableCode(text)))).toBe(text.replace(/(\\*)\|/g, '$1$1|'))
  })

  it('keeps the row on one line', () => {
    expect(tableCode('a\n| b |\r\nc')).not.toMatch(/[\r\n]/)
  })

  it('leaves ordinary text as a plain code span', () => {
    expect(tableCode('batchjob-1234')).toBe('`batchjob-1234`')
  })
})

describe('codeBlock', () => {
  it('uses a fence that no line of the text can close', () => {
    const block = codeBlock('a\n```\n<img src=x>\n````')
    const fence = /^`+/.exec(block)?.[0] ?? ''
    expect(fence).toBe('`````')
    expect(block.split('\n').slice(1, -1)).not.toContain(fence)
  })
})

describe('trustedLink in markdown', () => {
  it('encodes what would end a link destination', () => {
    const link = trustedLink('https://ml.azure.com/runs/x?a=)![i](https://evil.example/p.png) <b>', ['ml.azure.com'])
    expect(link).toBeDefined()
    expect(link).not.toMatch(/[()<> ]/)
    expect(new URL(link!).hostname).toBe('ml.azure.com')
  })
})
