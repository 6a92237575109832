// Blob storage for the action's input-path, proved with the real @azure/storage-blob before the action relies on it:
// Azurite under Azure's own host names (through the test proxy), identity-based access and its refusal, and the
// key-based fallback the workspace's datastore offers.
import { randomUUID } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import tls from 'node:tls'
import { ClientSecretCredential } from '@azure/identity'
import {
  BlobServiceClient,
  RestError,
  StorageSharedKeyCredential,
  type StoragePipelineOptions
} from '@azure/storage-blob'
import { emulatorAccount } from '../../test/fake-azure/arm-datastores.js'
import { startFakeAzure, type FakeAzure } from '../../test/fake-azure/server.js'
import { startAzurite, type Azurite } from '../../test/storage/azurite.js'
import { startBlobFrontEnd, type BlobFrontEnd } from '../../test/storage/blob-front-end.js'
import { startBlobProxy, type BlobProxy } from '../../test/storage/blob-proxy.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
// Has a role on the workspace but none on the storage account: the common case the fallback is for.
const noDataRoleApp = { tenantId: app.tenantId, clientId: randomUUID(), clientSecret: 'n0-r0le' }
const blobUrl = `https://${emulatorAccount.name}.blob.core.windows.net`
const defaultCAs = tls.getCACertificates('default')

let fake: FakeAzure
let azurite: Azurite
let frontEnd: BlobFrontEnd
let proxy: BlobProxy

function credential(who: { tenantId: string; clientId: string; clientSecret: string } = app) {
  return new ClientSecretCredential(who.tenantId, who.clientId, who.clientSecret, {
    authorityHost: fake.url,
    disableInstanceDiscovery: true
  })
}

/** In-process, the proxy is given to the client; the action gets it from HTTPS_PROXY, which the same policy reads. */
function through(via: BlobProxy): StoragePipelineOptions {
  const { hostname, port } = new URL(via.url)
  return { proxyOptions: { host: `http://${hostname}`, port: Number(port) }, retryOptions: { maxTries: 1 } }
}

/** The RestError a storage call failed with, or the test fails. */
async function storageError(call: Promise<unknown>): Promise<RestError> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(error instanceof RestError)) throw new Error(`expected a RestError, got ${String(error)}`)
  return error
}

/** What the proxy answers a CONNECT for `target`. */
function connectStatus(via: BlobProxy, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(via.url, { method: 'CONNECT', path: target, agent: false })
    request.on('connect', (response, socket) => {
      socket.destroy()
      resolve(response.statusCode ?? 0)
    })
    request.on('error', reject)
    request.end()
  })
}

beforeAll(async () => {
  ;[fake, azurite] = await Promise.all([startFakeAzure({ apps: [app, noDataRoleApp] }), startAzurite()])
  frontEnd = await startBlobFrontEnd({ azuritePort: azurite.port, denyClients: [noDataRoleApp.clientId] })
  proxy = await startBlobProxy({ blobPort: frontEnd.port })
  // NODE_EXTRA_CA_CERTS is read only at start-up; in-process, the fake's CA joins the default store instead.
  tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
})

afterAll(async () => {
  tls.setDefaultCACertificates(defaultCAs)
  await proxy?.close()
  await frontEnd?.close()
  await azurite?.close()
  await fake?.close()
})

describe('Azurite under the production blob host name, through the proxy', () => {
  it('takes an upload with a fake-issued storage token and lists it back', async () => {
    const service = new BlobServiceClient(blobUrl, credential(), through(proxy))
    const container = service.getContainerClient(`inputs-${Date.now()}`)
    await container.create()
    const body = 'age,chol\n63,233\n'
    await container.getBlockBlobClient('heart/part-1.csv').upload(body, body.length)

    const names: string[] = []
    for await (const blob of container.listBlobsFlat({ prefix: 'heart/' })) names.push(blob.name)
    expect(names).toEqual(['heart/part-1.csv'])
    expect(await container.getBlobClient('heart/part-1.csv').downloadToBuffer()).toEqual(Buffer.from(body))
    expect(new Set(proxy.connects)).toEqual(new Set([`${emulatorAccount.name}.blob.core.windows.net:443`]))
    expect(frontEnd.requests.length).toBeGreaterThanOrEqual(4)
    for (const seen of frontEnd.requests) {
      expect(seen).toMatchObject({ host: `${emulatorAccount.name}.blob.core.windows.net`, auth: 'Bearer' })
      expect(seen.clientId).toBe(app.clientId)
    }
    expect(fake.tokens.at(-1)?.audience).toBe('https://storage.azure.com')
  })

  it('tunnels only to *.blob.core.windows.net:443 and refuses every other CONNECT', async () => {
    expect(await connectStatus(proxy, 'devstoreaccount1.blob.core.windows.net:443')).toBe(200)
    expect(await connectStatus(proxy, 'login.microsoftonline.com:443')).toBe(403)
    expect(await connectStatus(proxy, 'devstoreaccount1.blob.core.windows.net:80')).toBe(403)
    expect(await connectStatus(proxy, 'evil.com:443')).toBe(403)
    expect(proxy.connects).toContain('evil.com:443')
  })
})

describe('identity-based access and the datastore credentials behind it', () => {
  it('answers 403 AuthorizationPermissionMismatch to a principal without a data role; the account key works', async () => {
    const byKey = new BlobServiceClient(
      blobUrl,
      new StorageSharedKeyCredential(emulatorAccount.name, emulatorAccount.key),
      through(proxy)
    )
    const container = byKey.getContainerClient(`fallback-${Date.now()}`)
    await container.create()
    const denied = new BlobServiceClient(blobUrl, credential(noDataRoleApp), through(proxy))
    const upload = denied.getContainerClient(container.containerName).getBlockBlobClient('a.csv').upload('x', 1)

    const error = await storageError(upload)
    expect(error.name).toBe('RestError')
    expect(error.statusCode).toBe(403)
    expect(error.code).toBe('AuthorizationPermissionMismatch')
    expect(error.message).toMatch(/^This request is not authorized to perform this operation using this permission\./)
    expect(frontEnd.requests.at(-1)).toMatchObject({ auth: 'Bearer', clientId: noDataRoleApp.clientId, status: 403 })

    await container.getBlockBlobClient('a.csv').upload('x', 1)
    expect(frontEnd.requests.at(-1)).toMatchObject({ auth: 'SharedKey', status: 201 })
  })

  it('without --oauth, Azurite refuses a bearer token with 403 AuthorizationFailure and takes the key', async () => {
    const keysOnly = await startAzurite({ oauth: false })
    const direct = await startBlobProxy({ blobPort: keysOnly.port })
    try {
      const byKey = new BlobServiceClient(
        blobUrl,
        new StorageSharedKeyCredential(keysOnly.accountName, keysOnly.accountKey),
        through(direct)
      )
      const container = byKey.getContainerClient('inputs')
      await container.create()
      const byToken = new BlobServiceClient(blobUrl, credential(), through(direct))

      const error = await storageError(byToken.getContainerClient('inputs').getBlockBlobClient('a.csv').upload('x', 1))
      expect(error.statusCode).toBe(403)
      expect(error.code).toBe('AuthorizationFailure')
      expect(error.message).toMatch(/^Server failed to authenticate the request\./)
      await container.getBlockBlobClient('a.csv').upload('x', 1)
    } finally {
      await direct.close()
      await keysOnly.close()
    }
  })
})
