import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { certificateFileVariable, writeServerCertificate } from './fake-azure/certificate.js'
import { startAzurite, workerAzuriteVariable } from './storage/azurite.js'

// What a whole jest run shares, set up before any worker starts: one certificate for every fake and emulator of the
// run, and one Azurite for each worker, which the test files that worker runs use one after another. Workers inherit
// what this puts in process.env.

/** Starts what the run shares; the function it returns stops it. */
export async function startTestRun(workers: number): Promise<() => Promise<void>> {
  const directory = await mkdtemp(join(tmpdir(), 'test-run-'))
  const file = join(directory, 'certificate.json')
  const certificate = await writeServerCertificate(file)
  process.env[certificateFileVariable] = file
  // Started together on a machine that may be busy (two cores for all of them): each is given a minute.
  const started = await Promise.allSettled(
    Array.from({ length: workers }, () => startAzurite({ certificate, startTimeoutMs: 60_000 }))
  )
  const azurites = started.flatMap(result => (result.status === 'fulfilled' ? [result.value] : []))
  const failed = started.find(result => result.status === 'rejected')
  if (failed) {
    // None is left running behind a run that cannot start.
    await Promise.all(azurites.map(azurite => azurite.close()))
    await rm(directory, { recursive: true, force: true })
    throw failed.reason
  }
  // Jest numbers its workers from 1, and a run in band is worker 1.
  azurites.forEach((azurite, index) => (process.env[workerAzuriteVariable(String(index + 1))] = String(azurite.port)))
  return async () => {
    await Promise.all(azurites.map(azurite => azurite.close()))
    await rm(directory, { recursive: true, force: true })
  }
}
