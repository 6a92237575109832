import { join } from 'node:path'
import { repoRoot } from '../../test/e2e/run-action.js'
import type { Scenario } from '../../test/e2e/scenario.js'
import { measureDownload, type DownloadFigures } from './download.js'
import { startLatencyRelay } from './latency-relay.js'
import { interleavedMedians } from './timing.js'
import { measureUpload, smallFiles, type UploadFigures } from './upload.js'

// The action at a real distance from Azure: the same measures as on loopback, through a relay that adds a round-trip
// time to every packet, each beside its floor. For a transfer the floor is what azcopy's default concurrency (32
// connections on a 2-core machine) would spend on the distance alone; for the submission, the two-call curl recipe
// through the same relay.

/** azcopy's default: 16 connections per core, at least 32. */
export const floorConnections = 32

export interface TransferAtDistance {
  direction: 'upload' | 'download'
  case: string
  files: number
  loopbackSeconds: number
  distantSeconds: number
  /** Wall at the distance minus wall on loopback: what the distance costs. */
  addedSeconds: number
  /** ceil(files / 32) × RTT. */
  floorSeconds: number
  connections: number
  peakMemoryMiB: number | undefined
}

export interface SubmissionAtDistance {
  /** On loopback, the same host names, no relay. */
  loopbackMs: number
  actionMs: number
  curlLoopbackMs: number
  curlMs: number
  actionOverCurl: number
  /** Connections one submission opened through the relay. */
  connections: number
  /** Another build (BENCH_BASELINE, its dist/index.js), measured in the same rounds. */
  baseline?: { script: string; loopbackMs: number; actionMs: number; actionOverCurl: number }
}

export interface Distance {
  rttMs: number
  submission: SubmissionAtDistance
  transfers: TransferAtDistance[]
}

/** Where the curl recipe sends its two requests, and where it connects for each `host:port` (curl's --connect-to). */
export interface CurlTargets {
  entra?: string
  endpointUri?: string
  connectTo?: Record<string, string>
}
type Curl = (scenario: Scenario, targets: CurlTargets) => Promise<number>
type Action = (
  scenario: Scenario,
  overrides: Record<string, string | undefined>,
  env?: Record<string, string>,
  script?: string
) => Promise<number>

/** The public cloud's Entra and a batch endpoint, under their own names (the fake's certificate carries both). */
export const entraHost = 'login.microsoftonline.com'
export const endpointHost = 'bench.eastus2.inference.ml.azure.com'

export async function measureAtDistance(
  rttMs: number,
  runs: number,
  scenario: Scenario,
  action: Action,
  curl: Curl,
  withTransfers = true,
  baseline?: string
): Promise<Distance> {
  const submission = await submissionAtDistance(rttMs, runs, scenario, action, curl, baseline)
  const transfers: TransferAtDistance[] = []
  if (!withTransfers) return { rttMs, submission, transfers }
  const cases: [string, Record<string, number>, boolean][] = [
    ['1,000 files of 4 KiB', smallFiles(1000, 4096), false],
    ['20,000 files of 1 KiB', smallFiles(20000, 1024), true],
    ['one file of 200 MiB', { 'data/big.csv': 200 * 1024 * 1024 }, false]
  ]
  for (const [name, files, many] of cases) {
    // Azurite's own time per write grows with the blobs it holds: the 20,000 files are acknowledged by the front end.
    const near = await measureUpload(name, files, { discardWrites: many })
    const far = await measureUpload(name, files, { discardWrites: many, rttMs, peakMemory: true })
    transfers.push(row('upload', near, far, rttMs))
  }
  for (const [name, files, many] of cases) {
    // Azurite would take minutes to store 20,000 blobs first: the test front end lists and serves them itself.
    const blobs = many
      ? { synthetic: { count: Object.keys(files).length, size: 1024 } }
      : Object.fromEntries(Object.entries(files).map(([path, size]) => [path.replace(/^data\//, ''), size]))
    const near = await measureDownload(name, blobs)
    const far = await measureDownload(name, blobs, rttMs, true)
    transfers.push(row('download', near, far, rttMs))
  }
  return { rttMs, submission, transfers }
}

function row(
  direction: 'upload' | 'download',
  near: UploadFigures | DownloadFigures,
  far: UploadFigures | DownloadFigures,
  rttMs: number
): TransferAtDistance {
  return {
    direction,
    case: near.case,
    files: near.files,
    loopbackSeconds: near.seconds,
    distantSeconds: far.seconds,
    addedSeconds: round(far.seconds - near.seconds, 2),
    floorSeconds: round((Math.ceil(near.files / floorConnections) * rttMs) / 1000, 2),
    connections: far.relayedConnections ?? 0,
    peakMemoryMiB: far.peakMemoryKb === undefined ? undefined : Math.round(far.peakMemoryKb / 1024)
  }
}

async function submissionAtDistance(
  rttMs: number,
  runs: number,
  scenario: Scenario,
  action: Action,
  curl: Curl,
  baseline?: string
): Promise<SubmissionAtDistance> {
  const port = Number(new URL(scenario.fake.url).port)
  const relay = await startLatencyRelay(port, rttMs)
  try {
    // Entra and the endpoint are reached under their own names, through the relay: MSAL then skips the OpenID
    // metadata request for the public cloud's Entra, as on a runner, and curl takes the same path (--connect-to).
    const overrides = { 'authority-host': undefined, 'endpoint-uri': `https://${endpointHost}/jobs` }
    const reaching = (to: number) => ({
      NODE_OPTIONS: `--import=${join(repoRoot, 'scripts/bench/host-map.mjs')}`,
      BENCH_HOST_MAP: `${entraHost}=${to},${endpointHost}=${to}`
    })
    const far = reaching(relay.port)
    const near = reaching(port)
    const curlReaching = (to: number) => ({
      entra: `https://${entraHost}`,
      endpointUri: overrides['endpoint-uri'],
      connectTo: { [`${entraHost}:443`]: `127.0.0.1:${to}`, [`${endpointHost}:443`]: `127.0.0.1:${to}` }
    })
    const before = relay.connections
    await action(scenario, overrides, far)
    const connections = relay.connections - before
    const samplers: Record<string, () => Promise<number>> = {
      action: () => action(scenario, overrides, far),
      loopback: () => action(scenario, overrides, near),
      curl: () => curl(scenario, curlReaching(relay.port)),
      curlLoopback: () => curl(scenario, curlReaching(port))
    }
    if (baseline) {
      samplers['baseline'] = () => action(scenario, overrides, far, baseline)
      samplers['baselineLoopback'] = () => action(scenario, overrides, near, baseline)
    }
    const medians = await interleavedMedians(runs, samplers)
    const ms = (name: string): number => round(medians[name] ?? NaN)
    return {
      loopbackMs: ms('loopback'),
      actionMs: ms('action'),
      curlLoopbackMs: ms('curlLoopback'),
      curlMs: ms('curl'),
      actionOverCurl: round(ms('action') / ms('curl'), 2),
      connections,
      ...(baseline
        ? {
            baseline: {
              script: baseline,
              loopbackMs: ms('baselineLoopback'),
              actionMs: ms('baseline'),
              actionOverCurl: round(ms('baseline') / ms('curl'), 2)
            }
          }
        : {})
    }
  } finally {
    await relay.close()
  }
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits))
}
