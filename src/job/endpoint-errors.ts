import { serviceMessage } from '../azure/service-errors.js'
import { describeSignIn, type SignIn } from '../sign-in/sign-in.js'
import { logSafe } from '../untrusted-text.js'

// Explains what the batch endpoint answered when it did not start the job.

export interface EndpointContext {
  scoringUri: string
  signIn: SignIn
  deploymentName: string | undefined
  /** endpoint-name: the scoring URI came from the endpoint, so the hints name that input. */
  endpointName?: string
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
  // A gateway can answer 408 or 5xx after the service took the job: the endpoint did not confirm one, no more.
  const outcome = answer.status === 408 || answer.status >= 500 ? 'did not confirm the job' : 'did not start the job'
  const lines = [
    `The batch endpoint ${outcome}: HTTP ${answer.status}${said.code ? ` ${said.code}` : ''}: ${said.text}`
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
  const input = c.endpointName ? 'endpoint-name' : 'endpoint-uri'
  if (status === 401) {
    return (
      `The endpoint did not accept the token of the ${describeSignIn(c.signIn)}. Check that '${input}' belongs ` +
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
    if (c.endpointName) {
      return `Nothing answers at ${c.scoringUri}, the scoring URI batch endpoint '${c.endpointName}' names. Check it in Azure ML studio.`
    }
    return (
      `Nothing answers at ${c.scoringUri}. Check 'endpoint-uri': copy the endpoint's REST endpoint from Azure ML ` +
      'studio, or run az ml batch-endpoint show --name <endpoint> --query scoring_uri.'
    )
  }
  if (status === 408 || status === 429 || status >= 500) {
    const tries = c.attempts && c.attempts > 1 ? ` after ${c.attempts} attempts` : ''
    return `The endpoint is busy or failing${tries}. Re-run the workflow later.`
  }
  return undefined
}
