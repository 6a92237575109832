import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob'
import { startStorageScenario } from '../../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { startLatencyRelay } from './latency-relay.js'
import { peakMemoryWrapper, proxyPort } from './upload.js'

export interface DownloadFigures {
  case: string
  files: number
  bytes: number
  seconds: number
  mibPerSecond: number
  /** With `rttMs`: the round-trip time the blob traffic was given, and the connections that crossed it. */
  rttMs?: number
  relayedConnections?: number
  peakMemoryKb?: number
}

const outputPath = 'bench/out'

/**
 * download-path against Azurite (in memory, on loopback, through the test proxy): a job whose output folder holds the
 * given blobs. Timed from the start of the step's "Download the results" group to the end of the step, so the figure
 * is the download itself: the datastore lookup, the listing, the transfers to disk and the preview.
 */
export async function measureDownload(
  name: string,
  blobs: Record<string, number> | { synthetic: { count: number; size: number } },
  rttMs?: number,
  peakMemory = false
): Promise<DownloadFigures> {
  // Many blobs are served by the test front end itself: Azurite would take minutes to store them first.
  const synthetic =
    'synthetic' in blobs
      ? { prefix: `${outputPath}/`, ...(blobs.synthetic as { count: number; size: number }) }
      : undefined
  const scenario = await startStorageScenario({
    pipelineDeployments: ['blue'],
    jobStatuses: ['Completed'],
    ...(synthetic ? { syntheticBlobReads: synthetic } : {})
  })
  const workspaceDir = mkdtempSync(join(tmpdir(), 'bench-workspace-'))
  const relay = rttMs ? await startLatencyRelay(proxyPort(scenario.env.HTTPS_PROXY), rttMs) : undefined
  try {
    const { azurite } = scenario
    const account = new BlobServiceClient(
      azurite.blobUrl,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)
    )
    const datastore = scenario.fake.resourceManager.datastores.find(d => d.name === 'workspaceblobstore')
    if (!datastore) throw new Error('the scenario has no workspaceblobstore')
    const container = account.getContainerClient(datastore.containerName)
    const entries = synthetic ? [] : Object.entries(blobs as Record<string, number>)
    let bytes = synthetic ? synthetic.count * synthetic.size : 0
    for (let i = 0; i < entries.length; i += 16) {
      await Promise.all(
        entries.slice(i, i + 16).map(([path, size]) => {
          bytes += size
          return container
            .getBlockBlobClient(`${outputPath}/${path}`)
            .uploadData(Buffer.alloc(size, 0x61), { blockSize: 8 * 1024 * 1024, concurrency: 4 })
        })
      )
    }
    scenario.outputs.options = { writePredictions: false }
    const ws = scenario.fake.batchEndpoint.workspace
    const memory = peakMemory ? peakMemoryWrapper() : undefined
    const running = scenario.start(
      {
        workspace: workspaceArmId(ws),
        'resource-manager-endpoint': scenario.fake.url,
        wait: 'true',
        'poll-interval': '1s',
        'output-name': 'scores',
        'output-uri': `azureml://datastores/workspaceblobstore/paths/${outputPath}/`,
        'download-path': 'results'
      },
      {
        env: { GITHUB_WORKSPACE: workspaceDir, ...(relay ? { HTTPS_PROXY: `http://127.0.0.1:${relay.port}` } : {}) },
        ...(memory ? { wrapper: memory.wrapper } : {})
      }
    )
    await running.waitForOutput(/^::group::Download the results/, 60_000)
    const started = performance.now()
    const result = await running.result
    const seconds = (performance.now() - started) / 1000
    if (result.exitCode !== 0) throw new Error(`the download failed during the benchmark:\n${result.stdout}`)
    return {
      case: name,
      files: synthetic ? synthetic.count : entries.length,
      bytes,
      seconds: Number(seconds.toFixed(2)),
      mibPerSecond: Number((bytes / 1048576 / seconds).toFixed(1)),
      ...(relay ? { rttMs, relayedConnections: relay.connections } : {}),
      ...(memory ? { peakMemoryKb: memory.read() } : {})
    }
  } finally {
    await relay?.close()
    await scenario.close()
    // The results can hold hundreds of MiB: a benchmark leaves nothing behind.
    rmSync(workspaceDir, { recursive: true, force: true })
  }
}
