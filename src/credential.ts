import { ClientSecretCredential, type GetTokenOptions, type TokenCredential } from '@azure/identity'
import { explainSignInFailure } from './service-errors.js'
import type { Settings } from './settings.js'
import { diagnoseTenant } from './tenant-diagnosis.js'

/** Thrown when no token could be had: the message already says what to fix. */
export class SignInError extends Error {
  override name = 'SignInError'
}

export function createCredential(settings: Settings): TokenCredential {
  return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, {
    authorityHost: settings.authorityHost,
    // Instance discovery asks the public cloud's Entra about the authority; a custom host is not known there.
    disableInstanceDiscovery: settings.customAuthorityHost
  })
}

/**
 * Wraps a credential so that every access token is masked in the log before anything can print it, and a
 * failure to get one is explained.
 */
export function guardCredential(
  credential: TokenCredential,
  settings: Settings,
  mask: (secret: string) => void
): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions) {
      try {
        const token = await credential.getToken(scopes, options)
        if (token) mask(token.token)
        return token
      } catch (error) {
        let message = error instanceof Error ? error.message : String(error)
        if (message.includes('endpoints_resolution_error')) {
          message = (await diagnoseTenant(settings.authorityHost, settings.tenantId)) ?? message
        }
        throw new SignInError(explainSignInFailure(message, settings), { cause: error })
      }
    }
  }
}
