import { answerCutNote } from './capped-http-client.js'
import { excerpt, logSafe } from '../untrusted-text.js'

// What an Azure service said when it refused a request, in the service's own words.

/** The service's own words: `{"error": {"code", "message"}}` when JSON, else the text as it came. */
export function serviceMessage(bodyText: string): { code?: string; text: string } {
  // A cut answer is no JSON; its start is shown, and the note that says it was cut, which the excerpt would drop.
  if (bodyText.endsWith(answerCutNote)) {
    return { text: `${excerpt(bodyText.slice(0, -answerCutNote.length), 800)} ${answerCutNote}` }
  }
  try {
    const body = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown } }
    const error = body?.error
    if (error && typeof error.message === 'string') {
      const code = typeof error.code === 'string' ? logSafe(error.code, 100) : undefined
      return { code, text: excerpt(error.message, 800) }
    }
  } catch {
    // Not JSON: some gateways answer in plain text, which is shown as it is.
  }
  return { text: excerpt(bodyText, 800) }
}

/** "HTTP 404 UserError: <what the service said>", for any Azure error answer. */
export function describeAnswer(answer: { status: number; bodyText: string }): string {
  const said = serviceMessage(answer.bodyText)
  return `HTTP ${answer.status}${said.code ? ` ${said.code}` : ''}: ${said.text}`
}

/** A Resource Manager refusal of `what`, with the fix for the statuses that have one. */
export function armRefusal(
  answer: { status: number; bodyText: string },
  what: string,
  fixes: Partial<Record<number, string>>
): Error {
  const fix = fixes[answer.status]
  return new Error(`Could not ${what}: ${describeAnswer(answer)}.${fix ? ` ${fix}` : ''}`)
}
