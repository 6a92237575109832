// A token Resource Manager refuses is not asked for again: the client newArm() makes goes out with one Entra issued
// for it. The real @azure/identity credential and pipeline against the fake Azure over real TLS, counting the token
// requests Entra sees.
import { randomUUID } from 'node:crypto'
import { azureClients } from '../../src/sign-in/azure-clients.js'
import { clouds } from '../../src/sign-in/clouds.js'
import { createCredential } from '../../src/sign-in/credential.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
const fake = inProcessFakeAzure({ apps: [app] })

it('a fresh Resource Manager client asks Entra for a new token, so a revoked one does not end the wait', async () => {
  const credential = createCredential(
    { signIn: { kind: 'client-secret', ...app }, authorityHost: fake().url, customAuthorityHost: true },
    { getIdToken: () => Promise.reject(new Error('not used')), mask: () => {} }
  )
  const clients = azureClients(credential, clouds.azurecloud, () => {})
  const workspace = `${fake().armUrl}${workspaceArmId(fake().batchEndpoint.workspace)}?api-version=2025-12-01`
  const read = (send: typeof clients.arm) => send({ method: 'GET', url: workspace, timeoutMs: 5_000 })

  expect((await read(clients.arm)).status).toBe(200)
  expect(fake().requestsTo('token')).toHaveLength(1)
  fake().entra.tokens.revokeAll()
  expect((await read(clients.arm)).status).toBe(401)

  expect((await read(clients.newArm())).status).toBe(200)
  expect(fake().requestsTo('token')).toHaveLength(2)
})
