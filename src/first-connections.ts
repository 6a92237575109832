import { canConnectEarly, connectEarly } from './azure/early-connection.js'
import { collectingInputAccess } from './input-access.js'
import * as format from './input-formats.js'
import type { SignInSettings } from './sign-in/credential.js'
import { readSignInSettings } from './sign-in/sign-in-settings.js'
import { isPostStep } from './step-kind.js'

// Loading the libraries is most of a submission's start-up, and at a distance the handshakes to Entra and to the
// endpoint are most of the rest. Opened before the libraries load, they happen meanwhile. This file is part of the
// entry, which loads first: it reads only the inputs that name those hosts, with the checks main applies to them.

/** What decides where a main run sends its first requests. */
export interface FirstRequests extends SignInSettings {
  /** endpoint-uri, checked; '' with endpoint-name or job-id. */
  scoringUri: string
  /** input-path or dry-run: an upload comes between the token and the submission, or no submission does. */
  submissionWaits: boolean
}

/** The origins of a main run's first requests: the token's services, then the endpoint if nothing comes between. */
export function firstRequestOrigins(first: FirstRequests, env: NodeJS.ProcessEnv): string[] {
  const origins: string[] = []
  const { kind } = first.signIn
  const githubTokenService = env['ACTIONS_ID_TOKEN_REQUEST_URL']
  if (kind === 'oidc' && githubTokenService) origins.push(githubTokenService)
  if (kind === 'client-secret' || kind === 'client-certificate' || kind === 'oidc') origins.push(first.authorityHost)
  if (first.scoringUri && !first.submissionWaits) origins.push(first.scoringUri)
  return origins.filter(origin => origin.startsWith('https:'))
}

/**
 * Opens the connections for the first requests of a main run: none in post, none behind a proxy, and none before
 * the inputs that name their hosts are checked. Inputs with a problem open nothing and stay silent here: main
 * reports every problem.
 */
export function connectForFirstRequests(env: NodeJS.ProcessEnv = process.env): void {
  if (isPostStep() || !canConnectEarly(env)) return
  // Only a head start: whatever fails here, main reads the same inputs, connects the usual way, and reports.
  let first: FirstRequests | undefined
  try {
    first = readFirstRequests(env)
  } catch {
    return
  }
  for (const origin of first ? firstRequestOrigins(first, env) : []) {
    try {
      connectEarly(origin)
    } catch {
      // One host's connection failing to start leaves the others theirs.
    }
  }
}

/** The inputs that decide the first requests, from the runner's variables; undefined when any of them has a problem. */
export function readFirstRequests(env: NodeJS.ProcessEnv): FirstRequests | undefined {
  // The runner's INPUT_<NAME> variables, read as @actions/core reads them: it is not loaded yet.
  const access = collectingInputAccess(name => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '')
  const { get, check, problems } = access
  const signingIn = readSignInSettings(access, {
    oidcAvailable: Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL']),
    warn: () => {}
  })
  const onlyTarget = !get('endpoint-name') && !get('job-id')
  const scoringUri = get('endpoint-uri') && onlyTarget ? check(() => format.scoringUri(get('endpoint-uri'))) : ''
  const dryRun = check(() => format.boolean('dry-run', get('dry-run') || 'false'))
  if (problems.length > 0) return undefined
  return { ...signingIn, scoringUri, submissionWaits: get('input-path') !== '' || dryRun }
}
