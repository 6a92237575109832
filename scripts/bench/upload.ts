import { rmSync } from 'node:fs'
import { startStorageScenario } from '../../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { writeCheckout } from '../../test/checkout.js'

export interface UploadFigures {
  case: string
  files: number
  bytes: number
  seconds: number
  mibPerSecond: number
  /** CONNECT tunnels to the blob host the test proxy opened. */
  proxyTunnels: number
}

export interface UploadBenchOptions {
  /** The front end acknowledges writes without storing them: the action's cost alone (see discardWrites). */
  discardWrites?: boolean
}

/**
 * The whole step with input-path against Azurite (in memory, on loopback, through the test proxy): sign-in,
 * datastore lookup, upload, submission. Throughput is the bytes over the step's wall time, so it understates the
 * upload alone. Every blob request goes through the test proxy, as on a self-hosted runner behind HTTPS_PROXY.
 */
export async function measureUpload(
  name: string,
  files: Record<string, number>,
  options: UploadBenchOptions = {}
): Promise<UploadFigures> {
  const root = writeCheckout(files, 'bench-checkout-')
  const bytes = Object.values(files).reduce((sum, size) => sum + size, 0)
  const scenario = await startStorageScenario({ discardBlobWrites: options.discardWrites })
  try {
    const ws = scenario.fake.batchEndpoint.workspace
    const workspace = workspaceArmId(ws)
    const started = performance.now()
    const result = await scenario.run(
      { 'input-uri': undefined, 'input-path': 'data', workspace, 'resource-manager-endpoint': scenario.fake.url },
      { env: { GITHUB_WORKSPACE: root } }
    )
    const seconds = (performance.now() - started) / 1000
    if (result.exitCode !== 0) throw new Error(`the upload failed during the benchmark:\n${result.stdout}`)
    const count = Object.keys(files).length
    return {
      case: name,
      files: count,
      bytes,
      seconds: Number(seconds.toFixed(2)),
      mibPerSecond: Number((bytes / 1048576 / seconds).toFixed(1)),
      proxyTunnels: scenario.proxy.connects.filter(target => target.endsWith('.blob.core.windows.net:443')).length
    }
  } finally {
    await scenario.close()
    // The checkout can hold hundreds of MiB: a benchmark leaves nothing behind.
    rmSync(root, { recursive: true, force: true })
  }
}

export function smallFiles(count: number, size: number): Record<string, number> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`data/batch-${Math.floor(i / 100)}/${i}.csv`, size])
  )
}
