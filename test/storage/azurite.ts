import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emulatorAccount } from '../fake-azure/arm-datastores.js'
import { sharedServerCertificate } from '../fake-azure/certificate.js'

// Azurite, Microsoft's Azure Storage emulator, as the real blob service behind the fake Azure: its blob service only,
// in a child process of its own (it keeps module-wide state, and a child closes cleanly), in memory, over https with
// the fake's certificate so that whatever trusts the fake trusts it.

export interface AzuriteOptions {
  /** The PEM certificate and key to serve: the fake Azure's when not given. */
  certificate?: { cert: string; key: string }
  /**
   * Azurite's basic OAuth (default true): it takes any bearer token that is in its lifetime, from an Entra v1 issuer
   * (https://sts.windows.net/...) and for storage (aud https://storage.azure.com), without checking the signature or
   * any role. Without it Azurite takes account keys and SAS only, and refuses a bearer token with 403
   * AuthorizationFailure.
   */
  oauth?: boolean
  /** How long it may take to listen (default 15 s): a test run starting one per worker at once waits longer. */
  startTimeoutMs?: number
}

export interface Azurite {
  /** https://127.0.0.1:<port>/devstoreaccount1: the account's blob endpoint, path-style, for tests to use directly. */
  readonly blobUrl: string
  readonly accountName: string
  readonly accountKey: string
  readonly port: number
  close(): Promise<void>
}

/** The variable naming the port of the Azurite a test run started for one jest worker (test/global-setup.ts). */
export function workerAzuriteVariable(workerId: string): string {
  return `FAKE_AZURE_AZURITE_PORT_${workerId}`
}

/**
 * The Azurite (with basic OAuth) that the test run started for this jest worker, shared by the test files it runs one
 * after another: starting one takes more than a second. Undefined outside such a run. Closing it leaves it running.
 */
export function workerAzurite(): Azurite | undefined {
  const port = Number(process.env[workerAzuriteVariable(process.env['JEST_WORKER_ID'] ?? '')])
  if (!port) return undefined
  return { ...emulatorAt(port), close: async () => undefined }
}

function emulatorAt(port: number): Omit<Azurite, 'close'> {
  return {
    blobUrl: `https://127.0.0.1:${port}/${emulatorAccount.name}`,
    accountName: emulatorAccount.name,
    accountKey: emulatorAccount.key,
    port
  }
}

const azuriteBlob = createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js')

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const { cert, key } = options.certificate ?? (await sharedServerCertificate())
  const directory = await mkdtemp(join(tmpdir(), 'azurite-'))
  const certFile = join(directory, 'cert.pem')
  const keyFile = join(directory, 'key.pem')
  await Promise.all([writeFile(certFile, cert), writeFile(keyFile, key, { mode: 0o600 })])
  const args = [
    azuriteBlob,
    ...['--blobHost', '127.0.0.1', '--blobPort', '0'],
    ...['--cert', certFile, '--key', keyFile],
    ...(options.oauth === false ? [] : ['--oauth', 'basic']),
    // The SDK may speak a newer storage API version than Azurite knows; what the action uses is old and common.
    '--skipApiVersionCheck',
    // Nothing on disk, no access log, and no telemetry sent to Application Insights.
    ...['--inMemoryPersistence', '--silent', '--disableTelemetry']
  ]
  // The working directory is where Azurite would put files; the environment is built from nothing, so that no proxy or
  // Azure setting of the developer's reaches it.
  const child = spawn(process.execPath, args, {
    cwd: directory,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const stop = async () => {
    await stopChild(child)
    await rm(directory, { recursive: true, force: true })
  }
  let port: number
  try {
    port = await listeningPort(child, options.startTimeoutMs ?? 15_000)
  } catch (error) {
    await stop()
    throw error
  }
  return { ...emulatorAt(port), close: stop }
}

/** The port Azurite reports once it listens; its output, if it exits or stalls before that. */
function listeningPort(child: ChildProcess, startTimeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = ''
    const fail = (why: string) => {
      clearTimeout(timer)
      reject(new Error(`Azurite did not start: ${why}\n${output}`))
    }
    const exited = (code: number | null) => fail(`it exited with ${code}`)
    const timer = setTimeout(() => fail(`not listening after ${startTimeoutMs} ms`), startTimeoutMs)
    child.once('exit', exited)
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const port = /successfully listens on https:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
      if (port === undefined) return
      clearTimeout(timer)
      child.off('exit', exited)
      resolve(Number(port))
    })
  })
}

// Azurite closes its server on SIGTERM and then exits by itself; a child that hangs is killed.
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}
