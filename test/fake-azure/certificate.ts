import { readFile, writeFile } from 'node:fs/promises'
import { generate } from 'selfsigned'

// One self-signed certificate serves as both the server's certificate and the CA that clients trust
// (NODE_EXTRA_CA_CERTS). OpenSSL only accepts a self-signed certificate as a trust anchor when it is marked as a CA,
// hence basicConstraints cA:true next to the server-auth usages. The blob names let the same certificate serve the
// storage emulator under Azure's own host names, and the fake's run history and batch endpoint under Azure ML's (all
// reached through the test proxy), so the action builds its blob URLs as it would in production. The benchmark reaches
// Entra as the public cloud's login.microsoftonline.com, whose metadata MSAL has built in.
async function makeServerCertificate(): Promise<{ key: string; cert: string }> {
  const now = Date.now()
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    // A little in the past so that clock skew between processes never makes it "not yet valid".
    notBeforeDate: new Date(now - 60 * 60 * 1000),
    notAfterDate: new Date(now + 7 * 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
          { type: 2, value: '*.blob.core.windows.net' },
          { type: 2, value: '*.api.azureml.ms' },
          { type: 2, value: '*.eastus2.inference.ml.azure.com' },
          { type: 2, value: 'api.github.com' },
          { type: 2, value: 'login.microsoftonline.com' }
        ]
      }
    ]
  })
  return { key: pems.private, cert: pems.cert }
}

// Generating an RSA key takes a noticeable part of a second; one certificate serves every fake in a process, and the
// storage emulator that tests start next to it. A test run makes one for all its workers (test/global-setup.ts) and
// names its file here, so that the emulators it shares between test files serve what every test file trusts.
let shared: Promise<{ key: string; cert: string }> | undefined

export const certificateFileVariable = 'FAKE_AZURE_CERTIFICATE_FILE'

/** The certificate (and its key) every fake Azure and storage emulator in this process serves. */
export function sharedServerCertificate(): Promise<{ key: string; cert: string }> {
  const file = process.env[certificateFileVariable]
  shared ??= file
    ? readFile(file, 'utf8').then(text => JSON.parse(text) as { key: string; cert: string })
    : makeServerCertificate()
  return shared
}

/** A new certificate, written to `file`: every process whose FAKE_AZURE_CERTIFICATE_FILE names it serves that one. */
export async function writeServerCertificate(file: string): Promise<{ key: string; cert: string }> {
  const certificate = await makeServerCertificate()
  await writeFile(file, JSON.stringify(certificate), { mode: 0o600 })
  return certificate
}
