// The submission against the fake batch endpoint over real TLS, in-process, with the production retry strategy but
// short pauses: a persistent failure ends after the attempts it allows, each a retry of the same request.
import { ClientSecretCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import { createAzureClient } from '../../src/azure/azure-pipeline.js'
import { submitJob } from '../../src/job/submit.js'
import { submitRetryLimits } from '../../src/sign-in/azure-clients.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'
import { settingsFrom } from '../../test/unit/settings-inputs.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
const log = { info: () => undefined, debug: () => undefined }
const fake = inProcessFakeAzure({ apps: [app] })

function endpointClient() {
  const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
    authorityHost: fake().url,
    disableInstanceDiscovery: true
  })
  // The production budget of attempts, with pauses of milliseconds instead of seconds.
  const limits = { ...submitRetryLimits, baseDelayMs: 10, maxDelayMs: 20 }
  return createAzureClient(credential, 'https://ml.azure.com/.default', limits)
}

describe('submitJob', () => {
  it('gives up a persistent 500 after 5 attempts of one request, and no job exists', async () => {
    const error = { status: 500, body: '{"error":{"code":"InternalServerError","message":"Something went wrong"}}' }
    fake().fail('submit', ...Array.from({ length: 10 }, () => error))
    const settings = settingsFrom({ 'endpoint-uri': fake().scoringUri, 'authority-host': fake().url })
    const failure: unknown = await submitJob(endpointClient(), settings, {}, log).catch((e: unknown) => e)
    expect((failure as Error).message).toContain('HTTP 500 InternalServerError: Something went wrong')
    expect((failure as Error).message).toContain('after 5 attempts')
    const attempts = fake().requestsTo('submit')
    expect(attempts).toHaveLength(5)
    expect(new Set(attempts.map(a => a.headers['repeatability_request-id'])).size).toBe(1)
    expect(fake().jobs).toHaveLength(0)
  })
})
