// The built action opens Entra's and the endpoint's connections before the libraries load, and its requests use them.
// Entra is reached as 'localhost' and the endpoint as 127.0.0.1, two hosts on the one fake that counts connections.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../../test/e2e/run-action.js'
import { errorMessage, startScenario, type Scenario } from '../../test/e2e/scenario.js'

let scenario: Scenario
afterEach(async () => scenario?.fake.close())

/** Runs the action with Entra and the endpoint on two host names; returns what it loaded and connected, in order. */
async function runRecorded(overrides: Record<string, string> = {}) {
  scenario = await startScenario()
  const { port } = new URL(scenario.fake.url)
  const log = join(mkdtempSync(join(tmpdir(), 'connection-order-')), 'log')
  writeFileSync(log, '')
  const result = await scenario.run(
    { 'authority-host': `https://localhost:${port}`, 'endpoint-uri': `https://127.0.0.1:${port}/jobs`, ...overrides },
    {
      env: {
        NODE_OPTIONS: `--import=${join(repoRoot, 'test/e2e/connection-order.mjs')}`,
        CONNECTION_ORDER_LOG: log
      }
    }
  )
  const events = readFileSync(log, 'utf8').split('\n').filter(Boolean)
  return { result, events, port }
}

it('opens both connections before loading anything past the entry, and signs in and submits over them', async () => {
  const { result, events, port } = await runRecorded()

  expect(result.exitCode).toBe(0)
  expect(scenario.fake.jobs).toHaveLength(1)
  const firstLibraryLoad = events.findIndex(event => event.startsWith('load ') && event !== 'load index.js')
  expect(firstLibraryLoad).toBeGreaterThan(0)
  expect(events.slice(0, firstLibraryLoad)).toEqual([
    'load index.js',
    `connect localhost:${port}`,
    `connect 127.0.0.1:${port}`
  ])
  // Entra's metadata and token, and the POST, went over those two: no connection was opened after them.
  expect(events.filter(event => event.startsWith('connect '))).toHaveLength(2)
  expect(scenario.fake.connections).toBe(2)
  expect(scenario.fake.requestsTo('token')).toHaveLength(1)
})

it('opens no connection at all when an input is wrong', async () => {
  const { result, events } = await runRecorded({ 'endpoint-uri': 'https://127.0.0.1/jobs?code=abc' })

  expect(result.exitCode).toBe(1)
  expect(errorMessage(result)).toContain("Input 'endpoint-uri'")
  expect(events.filter(event => event.startsWith('connect '))).toEqual([])
  expect(scenario.fake.connections).toBe(0)
})
