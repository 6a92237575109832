// Text that came from a service, a datastore definition or the repository is data. The runner reads every log line
// for workflow commands (`::name::` at the start of a line, `##[name]` anywhere in it) and the step summary is
// rendered as markdown with HTML, so such text is shown only through these functions.

/**
 * One log line that the runner cannot take as a command: control characters (newlines included) are shown escaped,
 * a leading `::` is broken and `##[` is broken wherever it stands. Long text is cut at `max` characters.
 */
export function logSafe(text: string, max = 1000): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text
  return shown
    .replace(controlCharacters, escapeControl)
    .replace(/##\[/g, '#\\x23[')
    .replace(/^(\s*):/, '$1\\x3a')
}

/** Service text for a message: one line, cut at `max`, with nothing the runner could take as a command. */
export function excerpt(text: string, max = 500): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  if (oneLine === '') return '(empty body)'
  return logSafe(oneLine, max)
}

/**
 * Text for a markdown table cell or paragraph: HTML is shown, not rendered, and markdown's own characters (links,
 * images, emphasis, code spans, table pipes) are escaped; newlines become spaces.
 */
export function markdownSafe(text: string, max = 1000): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text
  return shown
    .replace(controlCharacters, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~"']/g, character => `\\${character}`)
}

/**
 * Text as a code span in a markdown table cell. Inside a code span a backslash is literal, so nothing can be escaped
 * there: instead the fence is one backtick longer than any run of backticks in the text (CommonMark ends a code span
 * only at a run of the same length), and pipes are escaped, which GitHub's tables undo before reading the cell.
 * A table reads backslashes in pairs, so backslashes right before a pipe are doubled: the pipe stays escaped.
 */
export function tableCode(text: string, max = 1000): string {
  const shown = (text.length > max ? `${text.slice(0, max)}…` : text).replace(controlCharacters, ' ')
  const fence = '`'.repeat(longestBacktickRun(shown) + 1)
  const padded = /^`|`$/.test(shown) ? ` ${shown} ` : shown
  return `${fence}${padded.replace(/(\\*)\|/g, (_, backslashes: string) => `${backslashes}${backslashes}\\|`)}${fence}`
}

/** Text as a fenced code block, with a fence no line of the text can close. */
export function codeBlock(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1))
  return `${fence}\n${text}\n${fence}`
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map(run => run[0].length))
}

/**
 * A URL that may become a link: https, and on one of the hosts the caller expects (the cloud's Studio, say). The
 * characters that could end a markdown link destination are percent-encoded, which leaves the address the same.
 */
export function trustedLink(url: string | undefined, hosts: readonly string[]): string | undefined {
  const parsed = plainHttpsUrl(url)
  if (!parsed || !hosts.includes(parsed.hostname.toLowerCase())) return undefined
  return parsed.href.replace(/[()<>\\ ]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

// Every character a terminal or the runner could treat as a line end or a control: C0, DEL, C1 and Unicode's
// line and paragraph separators.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

function escapeControl(character: string): string {
  if (character === '\n') return '\\n'
  if (character === '\r') return '\\r'
  if (character === '\t') return '\\t'
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/** The URL when it is https on the default port with no user or password in it: one whose host says where it goes. */
export function plainHttpsUrl(url: string | undefined): URL | undefined {
  if (!url) return undefined
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return undefined
  return parsed
}
