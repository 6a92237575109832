import { jsonReply, type Reply } from './exchange.js'

// The errors Azure Resource Manager (and, for a job it cannot find, Azure ML behind it) answers with, worded as they
// word them, in ARM's shape: {"error": {"code", "message"}}.

export interface ArmProblem {
  status: number
  code: string
  message: string
  /** For a 401: the `error_description` of the WWW-Authenticate challenge. */
  challenge?: string
}

export const missingAuthorization = (): ArmProblem => ({
  status: 401,
  code: 'AuthenticationFailed',
  message: "Authentication failed. The 'Authorization' header is missing.",
  challenge: "The authentication failed because of missing 'Authorization' header."
})

export const malformedAuthorization = (): ArmProblem => ({
  status: 401,
  code: 'AuthenticationFailed',
  message: "Authentication failed. The 'Authorization' header is provided in an invalid format.",
  challenge: "The authentication failed because of an invalid 'Authorization' header."
})

export const invalidToken = (): ArmProblem => ({
  status: 401,
  code: 'InvalidAuthenticationToken',
  message: 'The access token is invalid.',
  challenge: 'The access token is invalid.'
})

export const expiredToken = (expiresAt: number, now: number): ArmProblem => {
  const message =
    `The access token expiry UTC time '${dotNetUtc(expiresAt)}' is earlier than current UTC time ` +
    `'${dotNetUtc(now)}'.`
  return { status: 401, code: 'ExpiredAuthenticationToken', message, challenge: message }
}

export const wrongAudience = (audience: string, allowed: readonly string[]): ArmProblem => {
  const message =
    `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with ` +
    `one of the allowed audiences ${allowed.map(a => `'${a}'`).join(',')}.`
  return { status: 401, code: 'InvalidAuthenticationTokenAudience', message, challenge: message }
}

export const missingApiVersion = (): ArmProblem => ({
  status: 400,
  code: 'MissingApiVersionParameter',
  message: 'The api-version query parameter (?api-version=) is required for all requests.'
})

/** An api-version that is not a date at all. */
export const invalidApiVersion = (apiVersion: string, supported: readonly string[]): ArmProblem => ({
  status: 400,
  code: 'InvalidApiVersionParameter',
  message: `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(',')}'.`
})

/** A well-formed api-version the resource provider does not serve: ARM cannot route the request. */
export const unsupportedApiVersion = (
  apiVersion: string,
  supported: readonly string[],
  region: string
): ArmProblem => ({
  status: 400,
  code: 'NoRegisteredProviderFound',
  message:
    `No registered resource provider found for location '${region}' and API version '${apiVersion}' for type ` +
    `'workspaces/jobs'. The supported api-versions are '${supported.join(', ')}'. The supported locations are ` +
    `'${region}'.`
})

export const subscriptionNotFound = (subscriptionId: string): ArmProblem => ({
  status: 404,
  code: 'SubscriptionNotFound',
  message: `The subscription '${subscriptionId}' could not be found.`
})

export const resourceGroupNotFound = (resourceGroup: string): ArmProblem => ({
  status: 404,
  code: 'ResourceGroupNotFound',
  message: `Resource group '${resourceGroup}' could not be found.`
})

export const workspaceNotFound = (workspace: string, resourceGroup: string): ArmProblem => ({
  status: 404,
  code: 'ResourceNotFound',
  message:
    `The Resource 'Microsoft.MachineLearningServices/workspaces/${workspace}' under resource group ` +
    `'${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
})

/** Azure ML's own answer (ARM passes it through) for a job name the workspace does not have, as `az ml` shows it. */
export const jobNotFound = (name: string): ArmProblem => ({
  status: 404,
  code: 'UserError',
  message: `Job ${name} not found.`
})

/** ARM's answer for a batch endpoint or deployment (a tracked resource) the workspace does not have. */
export const batchResourceNotFound = (type: string, name: string, resourceGroup: string): ArmProblem => ({
  status: 404,
  code: 'ResourceNotFound',
  message:
    `The Resource 'Microsoft.MachineLearningServices/workspaces/${type}/${name}' under resource group ` +
    `'${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
})

export const operationNotFound = (operation: string): ArmProblem => ({
  status: 404,
  code: 'NotFound',
  message: `The operation '${operation}' was not found.`
})

export const authorizationFailed = (clientId: string, objectId: string, action: string, scope: string): ArmProblem => ({
  status: 403,
  code: 'AuthorizationFailed',
  message:
    `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action ` +
    `'${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your ` +
    'credentials.'
})

/** The reply for a problem; a 401 carries the challenge that tells a client where to get a token. */
export function armErrorReply(problem: ArmProblem, authority: string, headers: Record<string, string>): Reply {
  const body = { error: { code: problem.code, message: problem.message } }
  if (problem.challenge === undefined) return jsonReply(problem.status, body, headers)
  const challenge =
    `Bearer authorization_uri="${authority}", error="invalid_token", ` + `error_description="${problem.challenge}"`
  return jsonReply(problem.status, body, { ...headers, 'www-authenticate': challenge })
}

/** A UTC time as ARM's .NET code prints it: 10/23/2019 3:54:29 PM. */
function dotNetUtc(epochMs: number): string {
  const t = new Date(epochMs)
  const hours = t.getUTCHours()
  const two = (n: number): string => String(n).padStart(2, '0')
  return (
    `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${t.getUTCFullYear()} ` +
    `${hours % 12 || 12}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`
  )
}
