// The submission against the fake batch endpoint over real TLS, in-process, with the production retry strategy but
// short pauses: a persistent failure ends after the attempts it allows, each a retry of the same request.
import { ClientSecretCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import { createAzureClient } from '../../src/azure/azure-pipeline.js'
import { submitJob, type EndpointError } from '../../src/job/submit.js'
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
    // Exactly the attempts allowed, so that none is left for the next test: a sixth attempt would find a job created.
    fake().fail('submit', ...Array.from({ length: 5 }, () => error))
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

describe('submitJob cancelled between attempts', () => {
  it('ends at once during a Retry-After pause: no further attempt, and the refusal says no job exists', async () => {
    const throttled = { status: 429, headers: { 'retry-after': '20' }, body: '{"error":{"code":"TooManyRequests"}}' }
    fake().fail('submit', throttled)
    const before = fake().requestsTo('submit').length
    const settings = settingsFrom({ 'endpoint-uri': fake().scoringUri, 'authority-host': fake().url })
    const cancel = new AbortController()
    const fates: string[] = []
    const limits = { ...submitRetryLimits, maxElapsedMs: 60_000 }
    const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
      authorityHost: fake().url,
      disableInstanceDiscovery: true
    })
    const send = createAzureClient(credential, 'https://ml.azure.com/.default', limits, {
      // The pause has begun: the workflow run is cancelled now.
      onRetry: () => setTimeout(() => cancel.abort(new Error('cancelled')), 50)
    })
    const startedAt = Date.now()
    const failure: unknown = await submitJob(send, settings, {}, log, {
      signal: cancel.signal,
      onFate: fate => fates.push(fate)
    }).catch((e: unknown) => e)
    expect(Date.now() - startedAt).toBeLessThan(5_000)
    expect(failure).toBeInstanceOf(Error)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(fake().requestsTo('submit').length - before).toBe(1)
    expect(fates).toEqual(['may-exist', 'refused'])
  })

  it('a 503 leaves the job possibly created: the gateway may have answered after the service took it', async () => {
    fake().fail(
      'submit',
      { status: 503, afterCreate: true },
      { status: 503 },
      { status: 503 },
      { status: 503 },
      {
        status: 503
      }
    )
    const settings = settingsFrom({ 'endpoint-uri': fake().scoringUri, 'authority-host': fake().url })
    const fates: string[] = []
    const failure: unknown = await submitJob(endpointClient(), settings, {}, log, {
      onFate: fate => fates.push(fate)
    }).catch((e: unknown) => e)
    expect((failure as EndpointError).jobMayExist).toBe(true)
    expect(fates.at(-1)).toBe('may-exist')
  })
})
