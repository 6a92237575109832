import * as format from '../input-formats.js'
import { InputError } from '../input-formats.js'

// Which way the action signs in, decided from the inputs alone (pure), before any request.

export const authTypes = ['auto', 'service-principal', 'oidc', 'managed-identity', 'azure-cli'] as const
export type AuthType = (typeof authTypes)[number]

export type SignIn =
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'client-certificate'; tenantId: string; clientId: string; certificatePem: string }
  | { kind: 'oidc'; tenantId: string; clientId: string; audience: string }
  | { kind: 'managed-identity'; clientId: string | undefined }
  | { kind: 'azure-cli'; tenantId: string | undefined }

export interface SignInInputs {
  authType: string
  tenantId: string
  clientId: string
  clientSecret: string
  clientCertificate: string
  audience: string
  creds: string
}

export interface SignInEnvironment {
  /** The job may ask GitHub for an ID token (`permissions: id-token: write` sets ACTIONS_ID_TOKEN_REQUEST_URL). */
  oidcAvailable: boolean
  /** The cloud's audience for GitHub ID tokens. */
  defaultAudience: string
  warn(message: string): void
}

export interface ResolvedSignIn {
  signIn: SignIn
  /** `creds`' activeDirectoryEndpointUrl, when creds was used and names one. */
  authorityHost: string | undefined
}

const ways = [
  'a service principal with a secret: tenant-id, client-id and client-secret (or creds)',
  'a service principal with a certificate: tenant-id, client-id and client-certificate',
  "OpenID Connect: tenant-id and client-id, with 'permissions: id-token: write' on the job",
  'a managed identity: auth-type: managed-identity (client-id for a user-assigned one)',
  'an existing Azure CLI login (azure/login): auth-type: azure-cli'
]

export function resolveSignIn(raw: SignInInputs, env: SignInEnvironment): ResolvedSignIn {
  const authType = format.oneOf('auth-type', authTypes, raw.authType || 'auto')
  const fromCreds = raw.creds ? readCreds(raw, env) : undefined
  const inputs = fromCreds ? { ...raw, ...fromCreds.inputs } : raw
  if (inputs.clientSecret && inputs.clientCertificate) {
    throw new InputError(
      "Inputs 'client-secret' and 'client-certificate' are both given: a service principal signs in with one of them. Remove the other."
    )
  }
  const signIn = chooseSignIn(authType, inputs, env)
  return { signIn, authorityHost: fromCreds?.authorityHost }
}

function chooseSignIn(authType: AuthType, inputs: SignInInputs, env: SignInEnvironment): SignIn {
  switch (authType) {
    case 'managed-identity':
      ignored(inputs, ['clientSecret', 'clientCertificate'], 'auth-type: managed-identity', env)
      return { kind: 'managed-identity', clientId: inputs.clientId ? format.clientId(inputs.clientId) : undefined }
    case 'azure-cli':
      ignored(inputs, ['clientSecret', 'clientCertificate'], 'auth-type: azure-cli', env)
      return { kind: 'azure-cli', tenantId: inputs.tenantId ? format.tenantId(inputs.tenantId) : undefined }
    case 'oidc':
      ignored(inputs, ['clientSecret', 'clientCertificate'], 'auth-type: oidc', env)
      if (!env.oidcAvailable) throw oidcUnavailable()
      return { kind: 'oidc', ...principal(inputs, 'auth-type: oidc'), audience: inputs.audience || env.defaultAudience }
    case 'service-principal':
      if (!inputs.clientSecret && !inputs.clientCertificate) {
        throw new InputError("auth-type: service-principal needs 'client-secret' or 'client-certificate'.")
      }
      return servicePrincipal(inputs)
    case 'auto':
      if (inputs.clientSecret || inputs.clientCertificate) return servicePrincipal(inputs)
      if (env.oidcAvailable && inputs.clientId && inputs.tenantId) {
        return {
          kind: 'oidc',
          ...principal(inputs, 'OpenID Connect'),
          audience: inputs.audience || env.defaultAudience
        }
      }
      throw new InputError(
        `No way to sign in was given. Give one of:\n- ${ways.join('\n- ')}` +
          (inputs.clientId && inputs.tenantId && !env.oidcAvailable
            ? "\n(tenant-id and client-id alone mean OpenID Connect, which needs 'permissions: id-token: write' on the job.)"
            : '')
      )
  }
}

function servicePrincipal(inputs: SignInInputs): SignIn {
  const who = principal(inputs, 'a service principal')
  if (inputs.clientSecret) return { kind: 'client-secret', ...who, clientSecret: inputs.clientSecret }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(inputs.clientCertificate)) {
    throw new InputError(
      "Input 'client-certificate' must be PEM text holding the certificate and its private key (-----BEGIN PRIVATE KEY----- ...)."
    )
  }
  return { kind: 'client-certificate', ...who, certificatePem: inputs.clientCertificate }
}

function principal(inputs: SignInInputs, way: string): { tenantId: string; clientId: string } {
  const missing = [!inputs.tenantId && 'tenant-id', !inputs.clientId && 'client-id'].filter(Boolean)
  if (missing.length > 0)
    throw new InputError(`Signing in with ${way} needs input ${missing.map(m => `'${m}'`).join(' and ')}.`)
  return { tenantId: format.tenantId(inputs.tenantId), clientId: format.clientId(inputs.clientId) }
}

function oidcUnavailable(): InputError {
  return new InputError(
    'auth-type: oidc needs a GitHub ID token, and this job may not request one. Add to the job (or workflow):\n' +
      'permissions:\n  id-token: write\n  contents: read'
  )
}

function ignored(inputs: SignInInputs, names: (keyof SignInInputs)[], why: string, env: SignInEnvironment): void {
  const given = names.filter(name => inputs[name]).map(name => name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`))
  if (given.length > 0) env.warn(`${given.map(g => `'${g}'`).join(' and ')} ignored: ${why} signs in without it.`)
}

/** Azure/login's creds JSON, unused as a whole once any of tenant-id, client-id and client-secret is given. */
function readCreds(raw: SignInInputs, env: SignInEnvironment) {
  let creds: unknown
  try {
    creds = JSON.parse(raw.creds)
  } catch {
    throw new InputError(
      'Input \'creds\' must be JSON as Azure/login takes it: {"clientId": ..., "clientSecret": ..., "tenantId": ...}.'
    )
  }
  if (typeof creds !== 'object' || creds === null || Array.isArray(creds)) {
    throw new InputError("Input 'creds' must be a JSON object with clientId, clientSecret and tenantId.")
  }
  const given = (['tenantId', 'clientId', 'clientSecret'] as const).filter(name => raw[name])
  if (given.length > 0) {
    const names = given.map(name => `'${name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}'`).join(' and ')
    env.warn(
      `'creds' was ignored as a whole: ${names} ${given.length === 1 ? 'is' : 'are'} given, and any of tenant-id, ` +
        'client-id and client-secret makes the action take nothing from creds.'
    )
    return undefined
  }
  const field = (name: string): string => {
    const value = (creds as Record<string, unknown>)[name]
    if (value === undefined || value === null) return ''
    if (typeof value !== 'string') {
      throw new InputError(
        `Input 'creds': field '${name}' must be text (a JSON string in quotes), got ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}.`
      )
    }
    return value.trim()
  }
  const authorityHost = field('activeDirectoryEndpointUrl').replace(/\/+$/, '') || undefined
  return {
    inputs: { tenantId: field('tenantId'), clientId: field('clientId'), clientSecret: field('clientSecret') },
    authorityHost
  }
}

/** Who signs in, for messages. */
export function describeSignIn(signIn: SignIn): string {
  switch (signIn.kind) {
    case 'client-secret':
      return `service principal ${signIn.clientId} (client secret)`
    case 'client-certificate':
      return `service principal ${signIn.clientId} (certificate)`
    case 'oidc':
      return `service principal ${signIn.clientId} (OpenID Connect, audience ${signIn.audience})`
    case 'managed-identity':
      return signIn.clientId ? `user-assigned managed identity ${signIn.clientId}` : 'system-assigned managed identity'
    case 'azure-cli':
      return 'Azure CLI login'
  }
}
