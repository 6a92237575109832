import { randomUUID } from 'node:crypto'
import { jsonReply, type Reply } from './exchange.js'

// The errors Microsoft Entra answers a client-credentials sign-in with, worded as Entra words them.

export interface EntraProblem {
  status: number
  error: string
  code: number
  message: string
}

export const tenantNotFound = (tenant: string): EntraProblem => ({
  status: 400,
  error: 'invalid_tenant',
  code: 90002,
  message:
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct ` +
    'cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.'
})

export const applicationNotFound = (clientId: string, tenant: string): EntraProblem => ({
  status: 400,
  error: 'unauthorized_client',
  code: 700016,
  message:
    `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the ` +
    'application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
    'You may have sent your authentication request to the wrong tenant.'
})

export const invalidClientSecret = (clientId: string): EntraProblem => ({
  status: 401,
  error: 'invalid_client',
  code: 7000215,
  message:
    'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the ' +
    `client secret ID, for a secret added to app '${clientId}'.`
})

export const missingCredential = (): EntraProblem => ({
  status: 401,
  error: 'invalid_client',
  code: 7000218,
  message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
})

export const missingParameter = (name: string): EntraProblem => ({
  status: 400,
  error: 'invalid_request',
  code: 900144,
  message: `The request body must contain the following parameter: '${name}'.`
})

export const unsupportedGrantType = (): EntraProblem => ({
  status: 400,
  error: 'unsupported_grant_type',
  code: 70003,
  message: 'The app requested an unsupported grant type.'
})

export const scopeWithoutDefault = (scope: string): EntraProblem => ({
  status: 400,
  error: 'invalid_scope',
  code: 1002012,
  message:
    `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with ` +
    '/.default suffixed to the resource identifier (application ID URI).'
})

/**
 * Entra's error body: the description starts with the AADSTS code and ends with trace, correlation and time lines,
 * which is what users paste into issues. The correlation id echoes the client's `client-request-id`, as Entra does.
 */
export function entraErrorReply(problem: EntraProblem, baseUrl: string, clientRequestId: string | undefined): Reply {
  const traceId = randomUUID()
  const correlationId = clientRequestId ?? randomUUID()
  // Entra's own timestamp format: "2024-05-01 12:34:56Z".
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
  const description =
    `AADSTS${problem.code}: ${problem.message}\r\n` +
    `Trace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`
  return jsonReply(
    problem.status,
    {
      error: problem.error,
      error_description: description,
      error_codes: [problem.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${baseUrl}/error?code=${problem.code}`
    },
    { 'x-ms-request-id': traceId, 'cache-control': 'no-store, no-cache' }
  )
}
