import * as core from '@actions/core'
import { sendAzureLogToDebug } from './azure/azure-debug-log.js'
import { readSettings, type Settings } from './settings.js'
import { azureClients, type AzureClients } from './sign-in/azure-clients.js'
import { createCredential, type RenewableCredential } from './sign-in/credential.js'
import { requestGitHubIdToken } from './sign-in/github-id-token.js'
import { secretParts } from './sign-in/secret-parts.js'
import { describeSignIn } from './sign-in/sign-in.js'
import { logSafe } from './untrusted-text.js'

/** The first work of both entries: secrets masked, inputs validated, a credential ready (nothing sent yet). */
export function prepare(): { settings: Settings; credential: RenewableCredential } {
  maskSecretInputs()
  const settings = readSettings(name => core.getInput(name), {
    oidcAvailable: Boolean(process.env['ACTIONS_ID_TOKEN_REQUEST_URL']),
    env: process.env,
    warn: message => core.warning(message),
    notice: message => core.notice(message)
  })
  const credential = createCredential(settings, {
    getIdToken: audience => requestGitHubIdToken(audience),
    mask: secret => core.setSecret(secret)
  })
  return { settings, credential }
}

/** main's sign-in: from here on requests go out, through these clients; the first of them asks for a token. */
export function signIn(settings: Settings, credential: RenewableCredential): AzureClients {
  if (core.isDebug()) sendAzureLogToDebug(core.debug)
  // An OpenID Connect audience is shown as the input gave it.
  core.info(logSafe(`Signing in as the ${describeSignIn(settings.signIn)}`))
  return azureClients(credential, settings.cloud, message => core.info(message))
}

// Masked before anything else runs, so that no later line, debug ones included, can show them.
function maskSecretInputs(): void {
  const secrets = [
    core.getInput('client-secret'),
    core.getInput('client-certificate'),
    core.getInput('creds'),
    core.getInput('github-token')
  ]
  try {
    const creds: unknown = JSON.parse(core.getInput('creds') || '{}')
    const secret = (creds as { clientSecret?: unknown })?.clientSecret
    // A number is refused by input validation, which names the field; it is masked all the same.
    if (typeof secret === 'string' || typeof secret === 'number') secrets.push(String(secret))
  } catch {
    // Malformed creds are reported by input validation; the whole value is masked above.
  }
  for (const secret of secrets) for (const part of secretParts(secret)) core.setSecret(part)
}
