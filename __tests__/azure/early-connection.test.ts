// The submission's connection opens beside its token, in-process: the real credential and pipeline against the fake
// Azure over TLS, with Entra slow to answer so that the order shows.
import { ClientSecretCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAzureClient } from '../../src/azure/azure-pipeline.js'
import type { RetryLimits } from '../../src/azure/retry.js'
import { earlyConnectionAgent } from '../../src/azure/early-connection.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `Qx8~${randomUUID()}` }
const fake = inProcessFakeAzure({ apps: [app] })
const limits: RetryLimits = { maxAttempts: 2, maxElapsedMs: 1_000, baseDelayMs: 10, maxDelayMs: 50, maxTotalMs: 10_000 }
const body = JSON.stringify({ properties: { InputData: { d: { JobInputType: 'UriFolder', Uri: 'https://a/b/' } } } })

function endpoint(connectEarly: boolean) {
  const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
    authorityHost: fake().url,
    disableInstanceDiscovery: true
  })
  return createAzureClient(credential, 'https://ml.azure.com/.default', limits, { connectEarly })
}

function submit(send: ReturnType<typeof endpoint>) {
  return send({
    method: 'POST',
    url: fake().scoringUri,
    headers: { 'content-type': 'application/json', 'repeatability_request-id': randomUUID() },
    body,
    timeoutMs: 5_000
  })
}

it("opens the endpoint's connection while Entra is still working on the token, and the POST uses it", async () => {
  fake().fail('token', { delayMs: 1_000 })
  const before = fake().connections
  const submitting = submit(endpoint(true))
  while (fake().requestsTo('token').length === 0) await sleep(10)
  // The token is half a second from its answer: the endpoint's connection is open by then (Entra's too, or reused).
  await sleep(500)
  const whileSigningIn = fake().connections - before
  expect(whileSigningIn).toBeGreaterThanOrEqual(1)
  expect((await submitting).status).toBe(201)
  // No connection after the token: the POST went over the one opened beside it.
  expect(fake().connections - before).toBe(whileSigningIn)
})

it('without it, the connection waits for the token', async () => {
  fake().fail('token', { delayMs: 1_000 })
  const before = fake().connections
  const submitting = submit(endpoint(false))
  while (fake().requestsTo('token').length === 0) await sleep(10)
  await sleep(500)
  const whileSigningIn = fake().connections - before
  expect((await submitting).status).toBe(201)
  expect(fake().connections - before).toBe(whileSigningIn + 1)
})

it('opens nothing early behind a proxy: the proxy makes the connection', () => {
  expect(earlyConnectionAgent({ HTTPS_PROXY: 'http://proxy:3128' })).toBeUndefined()
  expect(earlyConnectionAgent({ https_proxy: 'http://proxy:3128' })).toBeUndefined()
  const agent = earlyConnectionAgent({})
  expect(agent).toBeDefined()
  agent?.destroy()
})
