import { excerpt, logSafe } from '../untrusted-text.js'
import { describeSignIn, type SignIn } from './sign-in.js'

// Turns what Microsoft Entra ID, the Azure CLI or a managed identity endpoint answered into what to fix.

export interface SignInContext {
  signIn: SignIn
  authorityHost: string
  /** The GitHub ID token last presented (OIDC): its claims say which federated credential Entra looked for. */
  idToken?: string
}

const entraHints: Record<string, (c: SignInContext) => string> = {
  '7000215': () =>
    "'client-secret' is not a valid secret of this app: use the secret's Value (shown once, when it was created), " +
    'not its Secret ID, and check that it has not been deleted.',
  '7000222': () => "'client-secret' has expired: create a new secret for the app registration and update the secret.",
  '700016': c =>
    `No application with client id '${clientIdOf(c.signIn)}' exists in tenant '${tenantIdOf(c.signIn)}': check ` +
    "that 'client-id' and 'tenant-id' belong together, and that 'environment' is the cloud the app lives in.",
  '90002': c =>
    `Tenant '${tenantIdOf(c.signIn)}' was not found at ${c.authorityHost}: check 'tenant-id' (the "Directory ` +
    `(tenant) ID") and that 'environment' names the tenant's cloud.`,
  '700024': () =>
    'The GitHub ID token was outside its valid time range when Entra read it. The action asks GitHub for a fresh ' +
    "token at every sign-in, so check the runner's clock.",
  '700213': c => noFederatedCredential(c),
  '70021': c => noFederatedCredential(c),
  '7002138': c => noFederatedCredential(c),
  '700027': c =>
    `The certificate in 'client-certificate' is not one of app '${clientIdOf(c.signIn)}''s certificates: upload ` +
    'its public part under "Certificates & secrets" of the app registration, or use the certificate that is there.'
}

function noFederatedCredential(c: SignInContext): string {
  const claims = c.idToken ? jwtClaims(c.idToken) : {}
  const shown = ['sub', 'aud', 'iss'].map(name => `${name} '${logSafe(String(claims[name] ?? '?'), 300)}'`).join(', ')
  return (
    `No federated credential of app '${clientIdOf(c.signIn)}' matches this workflow's GitHub ID token (${shown}). ` +
    'Add one under "Certificates & secrets" > "Federated credentials" with exactly that subject (it is ' +
    "case-sensitive), issuer and audience, or set 'audience' to the one the credential expects."
  )
}

/** The claims of a JWT. They are not secret: the signature is what makes a token usable, and it is not shown. */
export function jwtClaims(token: string): Record<string, unknown> {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function clientIdOf(signIn: SignIn): string {
  return 'clientId' in signIn ? (signIn.clientId ?? '') : ''
}

function tenantIdOf(signIn: SignIn): string {
  return 'tenantId' in signIn ? (signIn.tenantId ?? '') : ''
}

/** `message` is the error @azure/identity threw; Entra's own text, with its AADSTS code, is inside it. */
export function explainSignInFailure(message: string, context: SignInContext): string {
  const code = /AADSTS(\d+)/.exec(message)?.[1]
  if (code) {
    const hint = entraHints[code]?.(context)
    return `Sign-in to Microsoft Entra ID failed: ${entraMessage(message)}${hint ? `\n${hint}` : ''}`
  }
  const toolHint = toolFailureHint(message, context.signIn)
  if (toolHint)
    return `Sign-in with the ${describeSignIn(context.signIn)} failed: ${excerpt(message, 500)}\n${toolHint}`
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
  const said = logSafe(aadsts.trim(), 500)
  return correlation ? `${said} (correlation id ${correlation})` : said
}

// The ways that do not talk to Entra themselves: the Azure CLI and the managed identity endpoint.
function toolFailureHint(message: string, signIn: SignIn): string | undefined {
  if (signIn.kind === 'azure-cli') {
    if (/could not be found|not recognized|ENOENT/i.test(message)) {
      return "The Azure CLI is not installed on this runner: install it, or choose another 'auth-type'."
    }
    return (
      'The Azure CLI is not signed in: run azure/login in an earlier step of the same job (with the same ' +
      "'environment'), or choose another 'auth-type'."
    )
  }
  if (signIn.kind === 'managed-identity') {
    return (
      'No managed identity answered on this runner. auth-type: managed-identity works on self-hosted runners on ' +
      "Azure (VMs, scale sets) with an identity assigned; for a user-assigned identity 'client-id' must be its client id."
    )
  }
  return undefined
}
