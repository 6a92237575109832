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
  actionMs: number
  curlMs: number
  actionOverCurl: number
  /** Connections one submission opened through the relay. */
  connections: number
}

export interface Distance {
  rttMs: number
  submission: SubmissionAtDistance
  transfers: TransferAtDistance[]
}

type Curl = (scenario: Scenario, origin: string) => Promise<number>
type Action = (scenario: Scenario, overrides: Record<string, string>) => Promise<number>

export async function measureAtDistance(
  rttMs: number,
  runs: number,
  scenario: Scenario,
  action: Action,
  curl: Curl,
  withTransfers = true
): Promise<Distance> {
  const submission = await submissionAtDistance(rttMs, runs, scenario, action, curl)
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
  curl: Curl
): Promise<SubmissionAtDistance> {
  const port = Number(new URL(scenario.fake.url).port)
  const relay = await startLatencyRelay(port, rttMs)
  try {
    // Entra, Resource Manager and the endpoint answer on the fake's one port; its answers name the origin asked.
    const origin = `https://127.0.0.1:${relay.port}`
    const overrides = {
      'authority-host': origin,
      'endpoint-uri': `${origin}/jobs`,
      'resource-manager-endpoint': origin
    }
    const before = relay.connections
    await action(scenario, overrides)
    const connections = relay.connections - before
    const medians = await interleavedMedians(runs, {
      action: () => action(scenario, overrides),
      curl: () => curl(scenario, origin)
    })
    return {
      actionMs: round(medians.action),
      curlMs: round(medians.curl),
      actionOverCurl: round(medians.action / medians.curl, 2),
      connections
    }
  } finally {
    await relay.close()
  }
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits))
}
