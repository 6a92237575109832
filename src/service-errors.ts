import { excerpt } from './submitted-job.js'

// Turns what Microsoft Entra ID and the batch endpoint answer into messages that say what to fix.

export interface SignInContext {
  tenantId: string
  clientId: string
  authorityHost: string
}

const entraHints: Record<string, (c: SignInContext) => string> = {
  '7000215': () =>
    "'client-secret' is not a valid secret of this app: use the secret's Value (shown once, when it was created), " +
    'not its Secret ID, and check that it has not been deleted.',
  '7000222': () => "'client-secret' has expired: create a new secret for the app registration and update the secret.",
  '700016': c =>
    `No application with client id '${c.clientId}' exists in tenant '${c.tenantId}': check that 'client-id' and ` +
    "'tenant-id' belong together, and that 'environment' is the cloud the app lives in.",
  '90002': c =>
    `Tenant '${c.tenantId}' was not found at ${c.authorityHost}: check 'tenant-id' (the "Directory (tenant) ID") ` +
    "and that 'environment' names the tenant's cloud."
}

/** `message` is the error @azure/identity threw; Entra's own text, with its AADSTS code, is inside it. */
export function explainSignInFailure(message: string, context: SignInContext): string {
  const code = /AADSTS(\d+)/.exec(message)?.[1]
  const entraSaid = entraMessage(message)
  const hint = code ? entraHints[code]?.(context) : undefined
  if (hint) return `Sign-in to Microsoft Entra ID failed: ${entraSaid}\n${hint}`
  if (code) return `Sign-in to Microsoft Entra ID failed: ${entraSaid}`
  if (/endpoints_resolution_error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|ECONNRESET|certificate/i.test(message)) {
    return (
      `Could not reach Microsoft Entra ID at ${context.authorityHost}: ${excerpt(message, 300)}\n` +
      "Check 'environment' / 'authority-host' and, on a self-hosted runner, its network or proxy (HTTPS_PROXY)."
    )
  }
  return `Sign-in to Microsoft Entra ID failed: ${excerpt(message, 500)}`
}

// Entra's description runs "AADSTS<code>: <message>\r\nTrace ID: ...\r\nCorrelation ID: ...": keep the message and
// the correlation id (what Microsoft support asks for), drop the rest of the noise.
function entraMessage(message: string): string {
  const aadsts = /AADSTS\d+:[^\r\n]*/.exec(message)?.[0]
  if (!aadsts) return excerpt(message, 500)
  const correlation = /Correlation ID: ([0-9a-f-]{36})/i.exec(message)?.[1]
  return correlation ? `${aadsts.trim()} (correlation id ${correlation})` : aadsts.trim()
}

export interface EndpointContext {
  scoringUri: string
  clientId: string
  tenantId: string
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
  if (requestId) lines.push(`Request id: ${requestId}`)
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
      `The endpoint did not accept the token of client '${c.clientId}' from tenant '${c.tenantId}'. Check that ` +
      "'endpoint-uri' belongs to a workspace in that tenant and that 'environment' is the endpoint's cloud."
    )
  }
  if (status === 403) {
    return (
      `The service principal '${c.clientId}' may not invoke this endpoint. Grant it a role that can, such as ` +
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
  try {
    const body = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown } }
    const error = body?.error
    if (error && typeof error.message === 'string') {
      return { code: typeof error.code === 'string' ? error.code : undefined, text: excerpt(error.message, 800) }
    }
  } catch {
    // Not JSON: some gateways answer in plain text, which is shown as it is.
  }
  return { text: excerpt(bodyText, 800) }
}
