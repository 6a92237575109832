import tls from 'node:tls'
import { startFakeAzure, type FakeAzure, type FakeAzureOptions } from '../fake-azure/server.js'

/**
 * A fake Azure for the tests of one file: started before them and trusted by this process (NODE_EXTRA_CA_CERTS is read
 * only at start-up, so its CA joins the default store instead), closed and no longer trusted after them. The function
 * it returns gives the running fake.
 */
export function inProcessFakeAzure(options: FakeAzureOptions = {}): () => FakeAzure {
  const defaultCAs = tls.getCACertificates('default')
  let fake: FakeAzure | undefined
  beforeAll(async () => {
    fake = await startFakeAzure(options)
    tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
  })
  afterAll(async () => {
    tls.setDefaultCACertificates(defaultCAs)
    await fake?.close()
  })
  return () => {
    if (!fake) throw new Error('The fake Azure starts in beforeAll: use it inside a test or a hook.')
    return fake
  }
}
