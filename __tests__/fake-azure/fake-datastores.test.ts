// The fake's Resource Manager datastores (Datastores_Get, Datastores_ListSecrets, 2025-12-01) over real TLS, in the
// shapes the REST spec documents: what the action resolves `input-path`'s datastore with, and falls back to.
import { randomUUID } from 'node:crypto'
import { request as httpsRequest } from 'node:https'
import tls from 'node:tls'
import { ClientSecretCredential } from '@azure/identity'
import { emulatorAccount } from '../../test/fake-azure/arm-datastores.js'
import { startFakeAzure, type FakeAzure } from '../../test/fake-azure/server.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
const noRoleApp = { tenantId: app.tenantId, clientId: randomUUID(), clientSecret: 'n0-r0le' }
const readerApp = { tenantId: app.tenantId, clientId: randomUUID(), clientSecret: 'r3ader' }
const apiVersion = '2025-12-01'
const sasToken = 'sv=2025-11-05&ss=b&srt=co&sp=rwl&se=2030-01-01T00:00:00Z&sig=c2lnbmF0dXJl'
const defaultCAs = tls.getCACertificates('default')

interface Answer {
  status: number
  body: string
}

interface DatastoreResource {
  id: string
  name: string
  type: string
  properties: Record<string, unknown> & { credentials: Record<string, unknown> }
}

let fake: FakeAzure
const tokens = new Map<string, string>()

async function tokenFor(who: typeof app): Promise<string> {
  if (!tokens.has(who.clientId)) {
    const credential = new ClientSecretCredential(who.tenantId, who.clientId, who.clientSecret, {
      authorityHost: fake.url,
      disableInstanceDiscovery: true
    })
    tokens.set(who.clientId, (await credential.getToken('https://management.azure.com/.default')).token)
  }
  return tokens.get(who.clientId)!
}

async function arm(method: 'GET' | 'POST', path: string, who = app): Promise<Answer> {
  const ws = fake.batchEndpoint.workspace
  const url =
    `${fake.armUrl}/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}/${path}?api-version=${apiVersion}`
  const token = await tokenFor(who)
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method, headers: { authorization: `Bearer ${token}` } }, response => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

const json = <T>(answer: Answer): T => JSON.parse(answer.body) as T
const errorOf = (answer: Answer) => json<{ error: { code: string; message: string } }>(answer).error

beforeAll(async () => {
  fake = await startFakeAzure({
    apps: [app, noRoleApp, readerApp],
    denyClients: [noRoleApp.clientId],
    denyListSecrets: [readerApp.clientId]
  })
  fake.resourceManager.datastores.push(
    {
      name: 'scoring_sas',
      accountName: 'contosodata',
      containerName: 'scoring',
      credentials: { credentialsType: 'Sas', sasToken }
    },
    {
      name: 'scoring_identity',
      accountName: 'contosodata',
      containerName: 'scoring',
      credentials: { credentialsType: 'None' },
      serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity'
    }
  )
  tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
})

afterAll(async () => {
  tls.setDefaultCACertificates(defaultCAs)
  await fake.close()
})

describe('Resource Manager datastores', () => {
  it('answers workspaceblobstore as Datastores_Get documents it, naming the credential type but not the key', async () => {
    const answer = await arm('GET', 'datastores/workspaceblobstore')
    expect(answer.status).toBe(200)
    const datastore = json<DatastoreResource>(answer)
    const ws = fake.batchEndpoint.workspace
    expect(datastore).toMatchObject({
      id: expect.stringMatching(new RegExp(`/workspaces/${ws.workspace}/datastores/workspaceblobstore$`)),
      name: 'workspaceblobstore',
      type: 'Microsoft.MachineLearningServices/workspaces/datastores',
      properties: {
        datastoreType: 'AzureBlob',
        accountName: emulatorAccount.name,
        containerName: expect.stringMatching(/^azureml-blobstore-[0-9a-f-]{36}$/),
        endpoint: 'core.windows.net',
        protocol: 'https',
        isDefault: true,
        credentials: { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey' } }
      }
    })
    expect(answer.body).not.toContain(emulatorAccount.key)
  })

  it('lists a datastore’s secrets by its credential type, and matches names in any case', async () => {
    const key = await arm('POST', 'datastores/WorkspaceBlobStore/listSecrets')
    expect(key.status).toBe(200)
    expect(json(key)).toEqual({ secretsType: 'AccountKey', key: emulatorAccount.key })
    const sas = await arm('POST', 'datastores/scoring_sas/listSecrets')
    expect(json(sas)).toEqual({ secretsType: 'Sas', sasToken })
    expect(json<DatastoreResource>(await arm('GET', 'datastores/scoring_sas')).properties.credentials).toEqual({
      credentialsType: 'Sas',
      secrets: { secretsType: 'Sas' }
    })
    expect(fake.requestsTo('armListDatastoreSecrets')).toHaveLength(2)
  })

  it('has no secrets for a credential-less datastore: 400 UserError', async () => {
    const datastore = json<DatastoreResource>(await arm('GET', 'datastores/scoring_identity'))
    expect(datastore.properties).toMatchObject({
      credentials: { credentialsType: 'None' },
      serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
      isDefault: false
    })
    const answer = await arm('POST', 'datastores/scoring_identity/listSecrets')
    expect(answer.status).toBe(400)
    expect(errorOf(answer).code).toBe('UserError')
  })

  it('answers 404 for a datastore the workspace does not have', async () => {
    const answer = await arm('GET', 'datastores/nope')
    expect(answer.status).toBe(404)
    expect(errorOf(answer)).toEqual({ code: 'UserError', message: 'Could not find datastore: nope.' })
  })

  it('answers 403 AuthorizationFailed to a principal without the role, naming the operation', async () => {
    const unknown = await arm('GET', 'datastores/nope', noRoleApp)
    expect(unknown.status).toBe(403)
    expect(errorOf(unknown).message).toContain("action 'Microsoft.MachineLearningServices/workspaces/datastores/read'")
    expect(errorOf(unknown).message).toContain('/datastores/nope')

    expect((await arm('GET', 'datastores/workspaceblobstore', readerApp)).status).toBe(200)
    const secrets = await arm('POST', 'datastores/workspaceblobstore/listSecrets', readerApp)
    expect(secrets.status).toBe(403)
    expect(errorOf(secrets).code).toBe('AuthorizationFailed')
    expect(errorOf(secrets).message).toContain(
      'Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action'
    )
  })
})
