import { blobServiceUrl, type DatastoreLocation } from '../../src/storage/blob-host.js'
import { clouds } from '../../src/sign-in/clouds.js'

const datastore = (changes: Partial<DatastoreLocation>): DatastoreLocation => ({
  datastore: 'workspaceblobstore',
  accountName: 'contosodata',
  endpoint: 'core.windows.net',
  containerName: 'azureml-blobstore-0a1b',
  ...changes
})

describe('blobServiceUrl', () => {
  it("builds the cloud's blob host from the account name", () => {
    expect(blobServiceUrl(datastore({}), clouds.azurecloud)).toBe('https://contosodata.blob.core.windows.net')
    expect(blobServiceUrl(datastore({ endpoint: undefined }), clouds.azurechinacloud)).toBe(
      'https://contosodata.blob.core.chinacloudapi.cn'
    )
    expect(blobServiceUrl(datastore({ endpoint: 'core.usgovcloudapi.net' }), clouds.azureusgovernment)).toBe(
      'https://contosodata.blob.core.usgovcloudapi.net'
    )
  })

  it.each([
    ['userinfo', 'core.windows.net@127.0.0.1:8443'],
    ['a port', 'core.windows.net:8443'],
    ['a path', 'core.windows.net/x'],
    ['an IP address', '127.0.0.1'],
    ['a query', 'core.windows.net?x=1'],
    ['a fragment', 'core.windows.net#'],
    ['a backslash', 'core.windows.net\\@evil.example'],
    ['spaces', 'core.windows.net evil.example'],
    ['a number', 443]
  ])('refuses an endpoint with %s, naming the datastore', (_what, endpoint) => {
    expect(() => blobServiceUrl(datastore({ endpoint }), clouds.azurecloud)).toThrow(
      /^Datastore 'workspaceblobstore' has the endpoint .*, which is not a plain DNS name\. Nothing was sent to it/
    )
  })

  it("refuses a DNS name other than the cloud's storage suffix", () => {
    expect(() => blobServiceUrl(datastore({ endpoint: 'evil.example' }), clouds.azurecloud)).toThrow(
      `Datastore 'workspaceblobstore' has the endpoint "evil.example", which is not the storage suffix of azurecloud.`
    )
    expect(() => blobServiceUrl(datastore({ endpoint: 'core.windows.net' }), clouds.azurechinacloud)).toThrow(
      'not the storage suffix of azurechinacloud'
    )
  })

  it.each([
    ['a host', 'evil.example/x'],
    ['userinfo', 'x@127.0.0.1'],
    ['capitals', 'ContosoData'],
    ['too short a name', 'ab'],
    ['too long a name', 'a'.repeat(25)],
    ['no name', undefined]
  ])('refuses an account name with %s', (_what, accountName) => {
    expect(() => blobServiceUrl(datastore({ accountName }), clouds.azurecloud)).toThrow(
      /^Datastore 'workspaceblobstore' has the account name .*, not a storage account name/
    )
  })

  it.each([['data/../x'], ['data?comp=list'], ['Data'], ['a--b'], [undefined]])(
    'refuses the container name %s',
    containerName => {
      expect(() => blobServiceUrl(datastore({ containerName }), clouds.azurecloud)).toThrow(
        /^Datastore 'workspaceblobstore' has the container name .*, not a blob container name/
      )
    }
  )

  it('shows a hostile value as one harmless log line', () => {
    expect(() => blobServiceUrl(datastore({ endpoint: '\n::error::x' }), clouds.azurecloud)).toThrow(
      /^Datastore 'workspaceblobstore' has the endpoint "\\n::error::x"/
    )
  })
})
