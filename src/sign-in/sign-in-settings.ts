import type { InputAccess } from '../input-access.js'
import * as format from '../input-formats.js'
import { clouds, cloudNames, type Cloud } from './clouds.js'
import type { SignInSettings } from './credential.js'
import { resolveSignIn } from './sign-in.js'

export interface SignInRunner {
  /** ACTIONS_ID_TOKEN_REQUEST_URL is set: the job has `permissions: id-token: write`. */
  oidcAvailable: boolean
  warn(message: string): void
}

/**
 * The sign-in's part of the inputs (environment, the ways to sign in, authority-host). Problems go to `check`: where
 * it collected one, a field may be undefined, and the caller reports the problems instead of using the result.
 */
export function readSignInSettings(
  { get, check }: InputAccess,
  runner: SignInRunner
): SignInSettings & { cloud: Cloud } {
  const environment = check(() => format.oneOf('environment', cloudNames, get('environment') || 'azurecloud'))
  const cloud = clouds[environment ?? 'azurecloud']
  const resolved = check(() =>
    resolveSignIn(
      {
        authType: get('auth-type'),
        tenantId: get('tenant-id'),
        clientId: get('client-id'),
        clientSecret: get('client-secret'),
        clientCertificate: get('client-certificate'),
        audience: get('audience'),
        creds: get('creds')
      },
      { oidcAvailable: runner.oidcAvailable, warn: runner.warn, defaultAudience: cloud.oidcAudience }
    )
  )
  const authorityHostInput = get('authority-host') || resolved?.authorityHost || ''
  return {
    signIn: resolved?.signIn,
    cloud,
    authorityHost: authorityHostInput
      ? check(() => format.httpsOrigin(get('authority-host') ? 'authority-host' : 'creds', authorityHostInput))
      : cloud.authorityHost,
    customAuthorityHost: authorityHostInput !== ''
  }
}
