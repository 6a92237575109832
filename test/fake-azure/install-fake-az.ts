import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AzAccount } from './azure-cli.js'
import type { FakeAzure } from './server.js'

export interface FakeAzOptions {
  /** The account `az login` signed in. Without one, az answers as after `az logout`. */
  account?: AzAccount
}

export interface FakeAz {
  /** Put first on PATH: AzureCliCredential runs the first `az` it finds there. */
  binDir: string
  /** One JSON array of arguments per line, one line per run of az. */
  invocationsFile: string
  /** The arguments of each run so far. */
  invocations(): Promise<string[][]>
}

const program = fileURLToPath(new URL('./fake-az.ts', import.meta.url))

/**
 * Writes an `az` for AzureCliCredential into a directory of the fake's (removed when it closes). It runs fake-az.ts
 * with the node running the tests, named by absolute path so that it does not depend on PATH, and trusts the fake's
 * certificate itself, so that it needs nothing from the environment it inherits. POSIX shells only.
 */
export async function installFakeAz(fake: FakeAzure, options: FakeAzOptions = {}): Promise<FakeAz> {
  const binDir = await mkdtemp(join(dirname(fake.caFile), 'az-'))
  const invocationsFile = join(binDir, 'invocations.jsonl')
  const configFile = join(binDir, 'fake-az.json')
  const session = options.account ? fake.azureCli.login(options.account) : null
  await writeFile(invocationsFile, '')
  await writeFile(configFile, JSON.stringify({ url: fake.url, caFile: fake.caFile, session, invocationsFile }))
  const script =
    '#!/bin/sh\n' +
    `FAKE_AZ_CONFIG=${quoted(configFile)} exec ${quoted(process.execPath)} --no-warnings ${quoted(program)} "$@"\n`
  await writeFile(join(binDir, 'az'), script)
  await chmod(join(binDir, 'az'), 0o755)
  return {
    binDir,
    invocationsFile,
    async invocations() {
      const lines = (await readFile(invocationsFile, 'utf8')).split('\n').filter(line => line !== '')
      return lines.map(line => JSON.parse(line) as string[])
    }
  }
}

function quoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}
