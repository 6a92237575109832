// The `az` that installFakeAz puts on PATH, run by node straight from this file (type stripping: node: imports and
// erasable TypeScript only). It answers `az account get-access-token` as the Azure CLI does, with tokens the fake
// issues, and records every invocation's arguments. FAKE_AZ_CONFIG names its configuration (see install-fake-az.ts).
import { appendFileSync, readFileSync } from 'node:fs'
import { request } from 'node:https'

interface FakeAzConfig {
  url: string
  caFile: string
  /** The fake's session for the signed-in account, or null after `az logout`. */
  session: string | null
  invocationsFile: string
}

interface TokenAnswer {
  accessToken?: string
  expires_on?: number
  subscription?: string
  tenant?: string
  error?: string
}

const config = JSON.parse(readFileSync(process.env['FAKE_AZ_CONFIG'] ?? '', 'utf8')) as FakeAzConfig
const args = process.argv.slice(2)
appendFileSync(config.invocationsFile, `${JSON.stringify(args)}\n`)

function option(...names: string[]): string | undefined {
  const at = args.findIndex(arg => names.includes(arg))
  return at === -1 ? undefined : args[at + 1]
}

function fail(message: string, exitCode = 1): never {
  process.stderr.write(`${message}\n`)
  process.exit(exitCode)
}

function post(path: string, body: unknown): Promise<TokenAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(
      `${config.url}${path}`,
      { method: 'POST', ca: readFileSync(config.caFile, 'utf8'), headers: { 'content-type': 'application/json' } },
      response => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('end', () => resolve(JSON.parse(text) as TokenAnswer))
      }
    )
    sent.on('error', reject)
    sent.end(JSON.stringify(body))
  })
}

// az prints expiresOn in local time without a zone, with microseconds: "2024-01-31 12:34:56.000000".
function localTime(seconds: number): string {
  const d = new Date(seconds * 1000)
  const two = (n: number) => String(n).padStart(2, '0')
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`
  return `${date} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.000000`
}

if (args[0] !== 'account' || args[1] !== 'get-access-token') {
  fail(`az: '${args.slice(0, 2).join(' ')}' is not in the 'az' command group. See 'az --help'.`, 2)
}
if (config.session === null) fail("ERROR: Please run 'az login' to setup account.")

const scope = option('--scope')
// Without --resource or --scope, az asks for Azure Resource Manager's classic resource.
const resource = option('--resource') ?? scope?.replace(/\/\.default$/, '') ?? 'https://management.core.windows.net/'
const tenant = option('--tenant', '-t')
const answer = await post('/_fake/az/token', { session: config.session, resource, tenant }).catch((error: Error) =>
  fail(`ERROR: ${error.message}`)
)
if (answer.error !== undefined || answer.accessToken === undefined || answer.expires_on === undefined) {
  // After an Entra error az tells the user to sign in again, whatever the error was.
  fail(
    `ERROR: ${answer.error ?? 'no token'}\nRun the command below to authenticate interactively; additional arguments ` +
      'may be added as needed:\naz logout\naz login'
  )
}
// With --tenant, az answers for the tenant alone, without a subscription.
const output = {
  accessToken: answer.accessToken,
  expiresOn: localTime(answer.expires_on),
  expires_on: answer.expires_on,
  ...(tenant === undefined ? { subscription: answer.subscription } : {}),
  tenant: answer.tenant,
  tokenType: 'Bearer'
}
process.stdout.write(`${JSON.stringify(output, null, 2)}\n`)
