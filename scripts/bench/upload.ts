import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStorageScenario } from '../../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { writeCheckout } from '../../test/checkout.js'
import { startLatencyRelay } from './latency-relay.js'

export interface UploadFigures {
  case: string
  files: number
  bytes: number
  seconds: number
  mibPerSecond: number
  /** CONNECT tunnels to the blob host the test proxy opened. */
  proxyTunnels: number
  /** With `rttMs`: the round-trip time the blob traffic was given, and the connections that crossed it. */
  rttMs?: number
  relayedConnections?: number
  /** With `peakMemory`: the step's peak resident memory, as /usr/bin/time reports it. */
  peakMemoryKb?: number
}

export interface UploadBenchOptions {
  /** The front end acknowledges writes without storing them: the action's cost alone (see discardWrites). */
  discardWrites?: boolean
  /** Every blob request crosses a relay that adds this round-trip time (the proxy is reached through it). */
  rttMs?: number
  /** Run the step under /usr/bin/time (where the machine has it) for its peak memory. */
  peakMemory?: boolean
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
  const relay = options.rttMs ? await startLatencyRelay(proxyPort(scenario.env.HTTPS_PROXY), options.rttMs) : undefined
  try {
    const ws = scenario.fake.batchEndpoint.workspace
    const workspace = workspaceArmId(ws)
    const memory = options.peakMemory ? peakMemoryWrapper() : undefined
    const started = performance.now()
    const result = await scenario.run(
      { 'input-uri': undefined, 'input-path': 'data', workspace, 'resource-manager-endpoint': scenario.fake.url },
      {
        env: { GITHUB_WORKSPACE: root, ...(relay ? { HTTPS_PROXY: `http://127.0.0.1:${relay.port}` } : {}) },
        ...(memory ? { wrapper: memory.wrapper } : {})
      }
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
      proxyTunnels: scenario.proxy.connects.filter(target => target.endsWith('.blob.core.windows.net:443')).length,
      ...(relay ? { rttMs: options.rttMs, relayedConnections: relay.connections } : {}),
      ...(memory ? { peakMemoryKb: memory.read() } : {})
    }
  } finally {
    await relay?.close()
    await scenario.close()
    // The checkout can hold hundreds of MiB: a benchmark leaves nothing behind.
    rmSync(root, { recursive: true, force: true })
  }
}

/** /usr/bin/time around the step, where the machine has it, and then its figure: peak resident memory in KiB. */
export function peakMemoryWrapper(): { wrapper: string[]; read(): number } | undefined {
  if (!existsSync('/usr/bin/time')) return undefined
  const log = join(mkdtempSync(join(tmpdir(), 'bench-')), 'rss')
  return {
    wrapper: ['/usr/bin/time', '-f', '%M', '-o', log],
    read: () => Number(readFileSync(log, 'utf8').trim().split('\n').at(-1))
  }
}

export function proxyPort(proxyUrl: string): number {
  return Number(new URL(proxyUrl).port)
}

export function smallFiles(count: number, size: number): Record<string, number> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`data/batch-${Math.floor(i / 100)}/${i}.csv`, size])
  )
}
