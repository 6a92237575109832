// A token fetch's deadline, with the real @azure/identity against the fake Entra over real TLS: past it, the fetch
// fails naming the service, and the request it was waiting on is closed.
import { ClientSecretCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { tokenHttpClient, TokenTimeoutError, withTokenDeadline } from '../../src/sign-in/token-deadline.js'
import { tokenServiceOf } from '../../src/sign-in/token-services.js'
import type { RouteName } from '../../test/fake-azure/exchange.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
const scope = 'https://ml.azure.com/.default'
const fallback = { name: 'Entra ID', check: 'Check the network.' }
const fake = inProcessFakeAzure({ apps: [app] })

// A credential of its own per test: MSAL caches metadata and tokens per credential.
function credential() {
  return new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
    authorityHost: fake().url,
    disableInstanceDiscovery: true,
    httpClient: tokenHttpClient(tokenServiceOf)
  })
}

async function closedByClient(route: RouteName): Promise<void> {
  for (let i = 0; i < 100 && !fake().requestsTo(route).at(-1)?.closedEarly; i++) await sleep(20)
  expect(fake().requestsTo(route).at(-1)?.closedEarly).toBe(true)
}

describe('withTokenDeadline', () => {
  it('gets a token from a service that answers', async () => {
    const token = await withTokenDeadline(() => credential().getToken(scope), fallback, undefined, 5_000)
    expect(fake().tokens.map(t => t.accessToken)).toContain(token.token)
  })

  it.each([
    ['token', /^Entra ID's token endpoint at 127\.0\.0\.1:\d+ did not answer within 0\.5 s/],
    ['metadata', /^Entra ID's OpenID metadata at 127\.0\.0\.1:\d+ did not answer within 0\.5 s/]
  ] as const)('names %s when it stops answering, and closes the connection', async (route, message) => {
    fake().fail(route, { hang: true })
    const fetch = withTokenDeadline(() => credential().getToken(scope), fallback, undefined, 500)
    await expect(fetch).rejects.toThrow(TokenTimeoutError)
    await expect(fetch).rejects.toThrow(message)
    await closedByClient(route)
  })

  it('names the fallback when no request is in flight', async () => {
    const fetch = withTokenDeadline(() => new Promise(() => {}), fallback, undefined, 200)
    await expect(fetch).rejects.toThrow(
      'Entra ID did not answer within 0.2 s, so no token could be had. Check the network.'
    )
  })

  it('ends when the request that needed the token gives up, naming what it waited on', async () => {
    fake().fail('token', { hang: true })
    const gaveUp = AbortSignal.timeout(300)
    const fetch = withTokenDeadline(() => credential().getToken(scope), fallback, gaveUp, 30_000)
    await expect(fetch).rejects.toThrow(
      /^Entra ID's token endpoint at 127\.0\.0\.1:\d+ had not answered when the request that needed the token gave up/
    )
    await closedByClient('token')
  })
})

describe('tokenServiceOf', () => {
  it.each([
    ['https://login.microsoftonline.com/t/oauth2/v2.0/token', "Entra ID's token endpoint at login.microsoftonline.com"],
    ['https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration', "Entra ID's OpenID metadata"],
    ['http://169.254.169.254/metadata/identity/oauth2/token?resource=x', 'The Instance Metadata Service (IMDS)']
  ])('%s is %s', (url, name) => {
    expect(tokenServiceOf(url).name).toContain(name)
  })
})
