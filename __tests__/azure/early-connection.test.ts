// Connections opened ahead, in-process: the submission's beside its token, Entra's before the credential exists. The
// real credential and pipeline against the fake Azure over TLS, with Entra slow to answer so that the order shows.
import { ClientSecretCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import { createServer, get, type Agent } from 'node:https'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAzureClient } from '../../src/azure/azure-pipeline.js'
import type { RetryLimits } from '../../src/azure/retry.js'
import { closeEarlyConnections, connectEarly, earlyConnectionAgent } from '../../src/azure/early-connection.js'
import { tokenHttpClient } from '../../src/sign-in/token-deadline.js'
import { tokenServiceOf } from '../../src/sign-in/token-services.js'
import { until } from '../../test/e2e/runner-cancel.js'
import { sharedServerCertificate } from '../../test/fake-azure/certificate.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `Qx8~${randomUUID()}` }
const fake = inProcessFakeAzure({ apps: [app] })
const limits: RetryLimits = { maxAttempts: 2, maxElapsedMs: 1_000, baseDelayMs: 10, maxDelayMs: 50, maxTotalMs: 10_000 }
afterEach(() => closeEarlyConnections())
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

describe("Entra's connection, opened before the credential", () => {
  // As the action signs in: every request of the token goes through the token client.
  const credential = () =>
    new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
      authorityHost: fake().url,
      disableInstanceDiscovery: true,
      httpClient: tokenHttpClient(tokenServiceOf)
    })

  const connectionsReach = (count: number) => until(() => fake().connections >= count, 'the connection opened ahead')

  it("carries the token's requests: no connection of their own", async () => {
    const before = fake().connections
    connectEarly(fake().url)
    await connectionsReach(before + 1)
    expect(await credential().getToken('https://ml.azure.com/.default')).toBeTruthy()
    expect(fake().connections - before).toBe(1)
  })

  it('is closed and not used once it waited past its limit: an idle connection may be gone on the way', async () => {
    const before = fake().connections
    connectEarly(fake().url, 0)
    await connectionsReach(before + 1)
    await sleep(5)
    expect(await credential().getToken('https://ml.azure.com/.default')).toBeTruthy()
    expect(fake().connections - before).toBe(2)
  })
})

describe('a connection the server spoke on before any request', () => {
  it('is not used: what it sent (a 408 to a connection that stayed silent) is never read as the answer', async () => {
    // The fake's certificate, which the in-process fake has made trusted.
    const { key, cert } = await sharedServerCertificate()
    let connections = 0
    let spoken: Promise<void> | undefined
    const server = createServer({ key, cert }, (_request, response) => response.end('fresh'))
    server.on('secureConnection', socket => {
      connections++
      if (connections > 1) return
      spoken = new Promise(resolve =>
        socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => resolve())
      )
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const agent = earlyConnectionAgent({}) as Agent
    try {
      connectEarly(url)
      await until(() => spoken !== undefined, 'the connection opened ahead')
      await spoken
      // The client is idle meanwhile: the bytes are read into the waiting connection at once.
      await sleep(500)
      const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
        get(url, { agent }, response => {
          let body = ''
          response.on('data', chunk => (body += chunk))
          response.on('end', () => resolve({ status: response.statusCode, body }))
        }).on('error', reject)
      })
      expect(answer).toEqual({ status: 200, body: 'fresh' })
      expect(connections).toBe(2)
    } finally {
      agent.destroy()
      server.closeAllConnections()
      server.close()
    }
  })
})
