import { answerCutNote } from './capped-http-client.js'
import { describeSignIn, type SignIn } from '../sign-in/sign-in.js'
import { excerpt, logSafe } from '../untrusted-text.js'

// Explains what the batch endpoint answered when it did not start the job.

export interface EndpointContext {
  scoringUri: string
  signIn: SignIn
  deploymentName: string | undefined
  attempts?: number
}

export interface EndpointAnswer {
  status: number
  headers: Record<string, string>
  bodyText: string
}

/** Explains a response from the scoring URI that is not a created job. */
export function explainEndpointFailure(answer: EndpointAnswer, context: EndpointContext): string {
  const said = serviceMessage(answer.bodyText)
  const lines = [
    `The batch endpoint did not start the job: HTTP ${answer.status}${said.code ? ` ${said.code}` : ''}: ${said.text}`
  ]
  const hint = endpointHint(answer.status, `${said.code ?? ''} ${said.text}`, context)
  if (hint) lines.push(hint)
  const requestId = answer.headers['x-ms-request-id'] ?? answer.headers['x-request-id']
  if (requestId) lines.push(`Request id: ${logSafe(requestId, 100)}`)
  return lines.join('\n')
}

function endpointHint(status: number, said: string, c: EndpointContext): string | undefined {
  if (/no valid deployments to route to/i.test(said)) {
    return (
      "The endpoint has no default deployment: set 'deployment-name', or make one the default " +
      '(az ml batch-endpoint update --name <endpoint> --set defaults.deployment_name=<deployment>).'
    )
  }
  if (status === 401) {
    return (
      `The endpoint did not accept the token of the ${describeSignIn(c.signIn)}. Check that 'endpoint-uri' belongs ` +
      "to a workspace in the tenant it signed in to, and that 'environment' is the endpoint's cloud."
    )
  }
  if (status === 403) {
    return (
      `The ${describeSignIn(c.signIn)} may not invoke this endpoint. Grant it a role that can, such as ` +
      '"AzureML Data Scientist", on the workspace (az role assignment create --assignee <client-id> ' +
      '--role "AzureML Data Scientist" --scope <workspace resource id>), then retry; new assignments take a few minutes.'
    )
  }
  if (status === 404) {
    if (c.deploymentName && /deployment/i.test(said)) {
      return `Check 'deployment-name': the endpoint has no deployment '${c.deploymentName}'.`
    }
    return (
      `Nothing answers at ${c.scoringUri}. Check 'endpoint-uri': copy the endpoint's REST endpoint from Azure ML ` +
      'studio, or run az ml batch-endpoint show --name <endpoint> --query scoring_uri.'
    )
  }
  if (status === 408 || status === 429 || status >= 500) {
    const tries = c.attempts && c.attempts > 1 ? ` after ${c.attempts} attempts` : ''
    return `The endpoint is busy or failing${tries}; no job was started twice. Re-run the workflow later.`
  }
  return undefined
}

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
