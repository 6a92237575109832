// `npm run fake-azure`: the whole local Azure on 127.0.0.1 (Entra, the batch endpoint, Resource Manager, run history,
// and Azurite for the workspace's blob storage), on its own, until Ctrl-C. It writes fake-azure.env, the variables
// the runner would give the action, and prints how to run the action against it by hand.
import { join, relative } from 'node:path'
import { startLocalAzure } from '../test/e2e/local-azure.js'
import { repoRoot } from '../test/e2e/run-action.js'

const envFile = join(repoRoot, 'fake-azure.env')
const local = await startLocalAzure(envFile)
const { fake } = local.scenario
const shownEnvFile = relative(process.cwd(), envFile) || envFile

console.log(`The fake Azure listens at ${fake.url}, blob storage and run history behind the proxy at
${local.scenario.proxy.url} (the TLS certificate authority of all of them: ${fake.caFile}).
${shownEnvFile} holds what the runner would give the action: the INPUT_* variables of a step that signs in with a
client secret and uploads data/incoming of the checkout at ${local.checkout}
to the workspace's storage to score it, NODE_EXTRA_CA_CERTS, and the HTTPS_PROXY and NO_PROXY that keep every
request on 127.0.0.1.

In another terminal, after npm run build:

  env $(cat fake-azure.env) node_modules/.bin/node dist/index.js
  env $(cat fake-azure.env) INPUT_WAIT=true INPUT_DOWNLOAD-PATH=predictions node_modules/.bin/node dist/index.js

node_modules/.bin/node is the project's Node 24, the runner's: an older Node sends blob requests past HTTPS_PROXY.
Change or add INPUT_* variables to try other inputs (INPUT_DRY-RUN=true sends nothing). Outputs show as ::set-output
lines; the step summary goes to ${local.summaryFile}.
To run the TypeScript sources instead, under a debugger, with @github/local-action (the post step too):

  NODE_EXTRA_CA_CERTS=${fake.caFile} npx @github/local-action run . src/main.ts fake-azure.env --post src/follow/post.ts

Ctrl-C stops it all.`)

process.once('SIGINT', () => {
  void local.close().then(() => process.exit(0))
})
