import { createAzureClient, type SendAzureRequest } from '../azure/azure-pipeline.js'
import type { RetryLimits } from '../azure/retry.js'
import type { Cloud } from './clouds.js'
import type { RenewableCredential } from './credential.js'

/** Retries of one submission stay within about a minute; each attempt gets its own timeout; all of it two minutes. */
export const submitRetryLimits: RetryLimits = {
  maxAttempts: 5,
  maxElapsedMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 16_000,
  maxTotalMs: 120_000
}

// A status read that keeps failing is retried at the next poll, so each ARM request gets only a short budget.
const armRetryLimits: RetryLimits = {
  maxAttempts: 3,
  maxElapsedMs: 20_000,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  maxTotalMs: 60_000
}

/** What main's stages send through, signed with the credential: none asks for a token before its first request. */
export interface AzureClients {
  credential: RenewableCredential
  /** The batch endpoint, for the submission. */
  endpoint: SendAzureRequest
  /** Azure Resource Manager: data assets, datastores, the job's status and cancel, run history. */
  arm: SendAzureRequest
  /**
   * A Resource Manager client whose first request carries a newly issued token, not a cached one: following a job
   * answers a 401 with one.
   */
  newArm(): SendAzureRequest
  /** Sends no Authorization header: for pre-signed URLs (run logs). */
  anonymous: SendAzureRequest
}

/** The clients, each with its retry budget; every retry is a line of the log. */
export function azureClients(
  credential: RenewableCredential,
  cloud: Cloud,
  info: (message: string) => void
): AzureClients {
  const retried = (what: string) => ({
    onRetry: (reason: string, delayMs: number) =>
      info(`${what} failed (${reason}); trying again in ${(delayMs / 1000).toFixed(1)} s`)
  })
  const armClient = (signedWith: RenewableCredential) =>
    createAzureClient(
      signedWith,
      cloud.resourceManagerScope,
      armRetryLimits,
      retried('A request to Azure Resource Manager')
    )
  return {
    credential,
    // The submission is the one request a step waits on before anything else: its connection opens beside its token.
    endpoint: createAzureClient(credential, cloud.mlScope, submitRetryLimits, {
      ...retried('Submission'),
      connectEarly: true
    }),
    arm: armClient(credential),
    newArm: () => armClient(credential.renewed()),
    anonymous: createAzureClient(undefined, '', armRetryLimits)
  }
}
