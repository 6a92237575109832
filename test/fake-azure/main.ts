// Runs the fake Azure by hand: `tsx test/fake-azure/main.ts`. Prints one JSON line with what a client needs, then
// serves until interrupted. Point a client at it with NODE_EXTRA_CA_CERTS=<caFile>.
import { randomBytes, randomUUID } from 'node:crypto'
import { startFakeAzure } from './server.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') }
const fake = await startFakeAzure({ apps: [{ ...app, tenantDomain: 'contoso.onmicrosoft.com' }] })
console.log(
  JSON.stringify({
    url: fake.url,
    scoringUri: fake.scoringUri,
    armUrl: fake.armUrl,
    caFile: fake.caFile,
    tenant: app.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret
  })
)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  })
}
