// The Azure HTTP client's bounds, against the fake Azure over real TLS: how much of an answer is read, and how long
// one request may take in all.
import { createPipelineRequest, isRestError } from '@azure/core-rest-pipeline'
import { ClientSecretCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAzureClient } from '../../src/azure/azure-pipeline.js'
import { answerCapBytes, answerCutNote, cappedHttpClient } from '../../src/azure/capped-http-client.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
const fake = inProcessFakeAzure({ apps: [app] })

/** The fake notices a closed connection a moment after the client closes it. */
async function closedByClient(): Promise<void> {
  for (let i = 0; i < 100 && !fake().requestsTo('submit').at(-1)?.closedEarly; i++) await sleep(20)
  expect(fake().requestsTo('submit').at(-1)?.closedEarly).toBe(true)
}

function submitRequest(timeout = 30_000) {
  return createPipelineRequest({ url: fake().scoringUri, method: 'POST', body: '{}', timeout })
}

describe('cappedHttpClient', () => {
  it('reads a 50 MB answer only up to the cap, says where it was cut, and closes the connection', async () => {
    fake().fail('submit', { status: 400, bodyBytes: 50 * 1024 * 1024 })
    const response = await cappedHttpClient().sendRequest(submitRequest())
    expect(response.status).toBe(400)
    expect(response.bodyAsText).toHaveLength(answerCapBytes + answerCutNote.length)
    expect(response.bodyAsText?.endsWith(answerCutNote)).toBe(true)
    expect(response.readableStreamBody).toBeUndefined()
    await closedByClient()
  })

  it('reads an answer below the cap whole', async () => {
    fake().fail('submit', { status: 400, bodyBytes: answerCapBytes - 1 })
    const response = await cappedHttpClient().sendRequest(submitRequest())
    expect(response.bodyAsText).toHaveLength(answerCapBytes - 1)
    expect(response.bodyAsText).not.toContain(answerCutNote)
    expect(fake().requestsTo('submit').at(-1)?.closedEarly).toBeUndefined()
  })

  it("leaves the stream to a request that asks for it, and caps the same request's next attempt", async () => {
    const large = { status: 400, bodyBytes: 3 * answerCapBytes }
    fake().fail('submit', large, large, large)
    const streamed = submitRequest()
    streamed.streamResponseStatusCodes = new Set([400])
    const response = await cappedHttpClient().sendRequest(streamed)
    expect(response.bodyAsText).toBeUndefined()
    let length = 0
    for await (const chunk of response.readableStreamBody!) length += (chunk as Buffer).length
    expect(length).toBe(3 * answerCapBytes)

    const retried = submitRequest()
    const client = cappedHttpClient()
    await client.sendRequest(retried)
    expect((await client.sendRequest(retried)).bodyAsText?.endsWith(answerCutNote)).toBe(true)
  })

  it("ends a body that stops arriving within the request's timeout", async () => {
    // The SDK's own timeout stops at the headers; the body is this client's to bound.
    fake().fail('submit', { status: 400, bodyBytes: 1000, stallAfterBytes: 100 })
    await expect(cappedHttpClient().sendRequest(submitRequest(300))).rejects.toMatchObject({ name: 'AbortError' })
    await closedByClient()
  })
})

describe('createAzureClient', () => {
  const credential = () =>
    new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
      authorityHost: fake().url,
      disableInstanceDiscovery: true
    })
  const limits = { maxAttempts: 10, maxElapsedMs: 60_000, baseDelayMs: 50, maxDelayMs: 100, maxTotalMs: 1_500 }

  it("shows the cut answer's start and the note in what it returns", async () => {
    fake().fail('submit', { status: 400, bodyBytes: 5 * answerCapBytes })
    const send = createAzureClient(credential(), 'https://ml.azure.com/.default', limits)
    const answer = await send({ method: 'POST', url: fake().scoringUri, body: '{}', timeoutMs: 10_000 })
    expect(answer.status).toBe(400)
    expect(answer.bodyText.startsWith('The service says a lot.')).toBe(true)
    expect(answer.bodyText.endsWith(answerCutNote)).toBe(true)
  })

  // Last: the hangs it scripts and leaves unused would hold any later request to the endpoint.
  it('gives up a request after maxTotalMs in all, however many attempts were left', async () => {
    fake().fail('submit', ...Array.from({ length: 20 }, () => ({ hang: true as const })))
    const before = fake().requestsTo('submit').length
    const send = createAzureClient(credential(), 'https://ml.azure.com/.default', limits)
    const error: unknown = await send({ method: 'POST', url: fake().scoringUri, body: '{}', timeoutMs: 400 }).catch(
      (e: unknown) => e
    )
    expect(isRestError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'ETIMEDOUT' })
    expect((error as Error).message).toMatch(/^No answer from 127\.0\.0\.1:\d+ within 1\.5 s in all/)
    const attempts = fake().requestsTo('submit').slice(before)
    // Attempts of 0.4 s with short pauses: the total, not the attempt count, ended it.
    expect(attempts.length).toBeGreaterThan(1)
    expect(attempts.length).toBeLessThan(10)
  })
})
