// A token renewed ahead of its expiry, with the action's credential and pipeline against the fake Azure over real TLS:
// tokens that live 3 s (always inside the pipeline's window for renewing early) and a request bound of half a second
// stand in for an hour and a minute.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAzureClient } from '../../src/azure/azure-pipeline.js'
import { clouds } from '../../src/sign-in/clouds.js'
import { createCredential } from '../../src/sign-in/credential.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
const fake = inProcessFakeAzure({ apps: [app], tokenLifetimeSeconds: 3 })
const limits = { maxAttempts: 1, maxElapsedMs: 0, baseDelayMs: 0, maxDelayMs: 0, maxTotalMs: 500 }

it('a renewal is awaited by the request that needs it, within its bound, and never rejects unheard', async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    const credential = createCredential(
      { signIn: { kind: 'client-secret', ...app }, authorityHost: fake().url, customAuthorityHost: true },
      { getIdToken: () => Promise.reject(new Error('not used')), mask: () => {} }
    )
    const arm = createAzureClient(credential, clouds.azurecloud.resourceManagerScope, limits)
    const workspace = `${fake().armUrl}${workspaceArmId(fake().batchEndpoint.workspace)}?api-version=2025-12-01`
    const read = () => arm({ method: 'GET', url: workspace, timeoutMs: 5_000 })

    expect((await read()).status).toBe(200)
    // Entra is slow to renew the token: longer than the request that needs the renewal is given.
    fake().fail('token', { delayMs: 1_000 })
    await expect(read()).rejects.toThrow(/had not answered when the request that needed the token gave up/)
    // Past the first token's expiry, when a renewal begun in the background with that request's bound gave up.
    await sleep(4_500)
    expect((await read()).status).toBe(200)
    expect(fake().requestsTo('token')).toHaveLength(3)
    expect(unhandled).toEqual([])
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
}, 20_000)
