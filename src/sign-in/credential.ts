import {
  AzureCliCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type GetTokenOptions,
  type TokenCredential
} from '@azure/identity'
import { readClientCertificate } from './certificate-pem.js'
import { explainSignInFailure } from './sign-in-errors.js'
import type { SignIn } from './sign-in.js'
import { diagnoseTenant } from './tenant-diagnosis.js'
import { tokenDeadlineMs, tokenHttpClient, TokenTimeoutError, withTokenDeadline } from './token-deadline.js'
import { tokenServiceOf, tokenServiceOfSignIn } from './token-services.js'

/** Thrown when no token could be had: the message already says what to fix. */
export class SignInError extends Error {
  override name = 'SignInError'
}

/** The part of the settings that says who signs in, and where. */
export interface SignInSettings {
  signIn: SignIn
  authorityHost: string
  /** A host other than the cloud's own: MSAL cannot validate it through instance discovery. */
  customAuthorityHost: boolean
}

export interface CredentialDeps {
  /** Asks GitHub for an ID token with this audience. */
  getIdToken(audience: string): Promise<string>
  /** Hides a value in the log (core.setSecret). */
  mask(secret: string): void
}

/** A credential that can start over: what `renewed()` returns asks the token service again rather than its cache. */
export interface RenewableCredential extends TokenCredential {
  /**
   * The same sign-in with a token cache of its own, empty: its first token is a new one, for when a service refused
   * the cached one (expired early, or revoked). @azure/identity offers no way to pass its cache by; a new credential
   * is one. A managed identity's cache is shared by the whole process, and az keeps its own: those two may still
   * hand back the token they hold.
   */
  renewed(): RenewableCredential
}

/**
 * The @azure/identity credential for the chosen way of signing in, wrapped so that every token it yields is masked
 * before anything can print it, a token that does not come within the deadline ends the wait, and a failure to get
 * one is explained.
 */
export function createCredential(
  settings: SignInSettings,
  deps: CredentialDeps,
  deadlineMs = tokenDeadlineMs
): RenewableCredential {
  const { signIn } = settings
  const options = {
    authorityHost: settings.authorityHost,
    // Instance discovery asks the public cloud's Entra about the authority; a custom host is not known there.
    disableInstanceDiscovery: settings.customAuthorityHost,
    httpClient: tokenHttpClient(tokenServiceOf)
  }
  let idToken: string | undefined
  let credential: TokenCredential
  switch (signIn.kind) {
    case 'client-secret':
      credential = new ClientSecretCredential(signIn.tenantId, signIn.clientId, signIn.clientSecret, options)
      break
    case 'client-certificate':
      credential = new ClientCertificateCredential(
        signIn.tenantId,
        signIn.clientId,
        { certificate: readClientCertificate(signIn.certificatePem) },
        options
      )
      break
    case 'oidc':
      // A fresh GitHub ID token each time Entra needs an assertion: they live minutes, a wait can last hours.
      credential = new ClientAssertionCredential(
        signIn.tenantId,
        signIn.clientId,
        async () => {
          try {
            idToken = await deps.getIdToken(signIn.audience)
          } catch (error) {
            throw new SignInError(
              `Could not get an ID token from GitHub: ${error instanceof Error ? error.message : String(error)}\n` +
                "The job needs 'permissions: id-token: write'."
            )
          }
          deps.mask(idToken)
          return idToken
        },
        options
      )
      break
    case 'managed-identity':
      credential = new ManagedIdentityCredential({ clientId: signIn.clientId, httpClient: options.httpClient })
      break
    case 'azure-cli':
      credential = new AzureCliCredential({
        ...(signIn.tenantId ? { tenantId: signIn.tenantId } : {}),
        // Killed just after the deadline has named az as what did not answer: no az process outlives the step.
        processTimeoutInMs: deadlineMs + 2_000
      })
      break
  }
  return {
    renewed: () => createCredential(settings, deps, deadlineMs),
    async getToken(scopes: string | string[], tokenOptions?: GetTokenOptions) {
      try {
        const token = await withTokenDeadline(
          () => credential.getToken(scopes, tokenOptions),
          tokenServiceOfSignIn(signIn),
          tokenOptions?.abortSignal as AbortSignal | undefined,
          deadlineMs
        )
        if (token) deps.mask(token.token)
        return token
      } catch (error) {
        if (error instanceof SignInError) throw error
        if (error instanceof TokenTimeoutError) throw new SignInError(error.message, { cause: error })
        let message = error instanceof Error ? error.message : String(error)
        if (message.includes('endpoints_resolution_error') && 'tenantId' in signIn && signIn.tenantId) {
          message = (await diagnoseTenant(settings.authorityHost, signIn.tenantId)) ?? message
        }
        const context = { signIn, authorityHost: settings.authorityHost, idToken }
        throw new SignInError(explainSignInFailure(message, context), { cause: error })
      }
    }
  }
}
