// The scoring watch's bounds, in-process: the real ScoringWatch and the action's clients (@azure/identity, the SDK
// pipeline) against the fake Azure over real TLS, with run history on its regional API host and the logs in Azurite,
// both reached through the test proxy as on a runner behind one. A round budget of a second stands in for 20 s, and
// a read cap of a few hundred bytes for 1 MiB.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { ScoringWatch } from '../../src/follow/scoring-watch.js'
import { azureClients } from '../../src/sign-in/azure-clients.js'
import { clouds } from '../../src/sign-in/clouds.js'
import { createCredential } from '../../src/sign-in/credential.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { send } from '../../test/fake-azure/raw-request.js'
import { saveEnvironment } from '../../test/unit/saved-environment.js'

const cloud = clouds.azurecloud
const progressLog = 'logs/job_progress_overview.20261128083000.txt'
const proxyEnv = ['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']
const environment = saveEnvironment(proxyEnv)
let scenario: StorageScenario

afterEach(async () => {
  environment.restore()
  await scenario?.close()
})

interface Watched {
  watch: ScoringWatch
  lines: string[]
  notices: string[]
  /** Reads the job's status through Resource Manager, as the wait does: the scoring logs grow with it. */
  readStatus(): Promise<void>
  /** A round beside a status read one poll-interval after the last. */
  round(status?: string, ended?: boolean, signal?: AbortSignal): Promise<void>
}

/** A job submitted to the fake, and a watch on it with the action's own clients and short bounds. */
async function watching(logs: Record<string, (string | null)[]>, bounds: { roundBudgetMs?: number; cap?: number }) {
  // As on a runner behind a proxy. The pipeline reads NO_PROXY once per process, at its first client (the scenario's
  // storage client), and the proxy's address as each client is made.
  for (const name of proxyEnv) Reflect.deleteProperty(process.env, name)
  process.env['NO_PROXY'] = '127.0.0.1,localhost'
  scenario = await startStorageScenario({ jobStatuses: ['Running'] })
  scenario.fake.runHistory.scoring = { logs }
  Object.assign(process.env, scenario.env)
  const credential = createCredential(
    { signIn: { kind: 'client-secret', ...scenario.app }, authorityHost: scenario.fake.url, customAuthorityHost: true },
    { getIdToken: () => Promise.reject(new Error('not used')), mask: () => {} }
  )
  const clients = azureClients(credential, cloud, () => {})
  const mlToken = await credential.getToken(cloud.mlScope)
  const submitted = await send(scenario.fake.scoringUri, {
    method: 'POST',
    headers: { authorization: `Bearer ${mlToken?.token ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      properties: {
        InputData: { input_data: { JobInputType: 'UriFile', Uri: 'https://acct.blob.core.windows.net/c/a.csv' } }
      }
    })
  })
  const jobName = (JSON.parse(submitted.body) as { name: string }).name
  expect(jobName).toMatch(/^batchjob-/)
  const workspace = workspaceArmId(scenario.fake.batchEndpoint.workspace)
  const lines: string[] = []
  const notices: string[] = []
  let now = 0
  const watch = new ScoringWatch({
    access: { arm: clients.arm, anonymous: clients.anonymous, resourceManager: scenario.fake.url, cloud: cloud.name },
    workspace,
    jobName,
    pollIntervalMs: 1_000,
    now: () => now,
    log: { info: line => lines.push(line), notice: line => notices.push(line) },
    roundBudgetMs: bounds.roundBudgetMs,
    readCapBytes: bounds.cap
  })
  const watched: Watched = {
    watch,
    lines,
    notices,
    async readStatus() {
      await clients.arm({
        method: 'GET',
        url: `${scenario.fake.url}${workspace}/jobs/${jobName}?api-version=2025-12-01`,
        timeoutMs: 5_000
      })
    },
    async round(status = 'Running', ended = false, signal = new AbortController().signal) {
      now += 1_000
      await watch.read(status, ended, signal)
    }
  }
  return watched
}

function logReads() {
  return scenario.blobFrontEnd.requests.filter(r => r.path.startsWith('/azureml/ExperimentRun/'))
}

describe('ScoringWatch', () => {
  it('reads a log that grew by more than its cap a cap at a time, on at the next rounds, each line once', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `processed mini-batch ${i} of 40`)
    const watched = await watching({ [progressLog]: [`${lines.join('\n')}\n`] }, { cap: 200 })
    await watched.readStatus()
    for (let round = 0; round < 20 && watched.lines.length < 40; round++) await watched.round()
    expect(watched.lines).toEqual(lines.map(line => `  scoring: ${line}`))
    const reads = logReads()
    expect(reads.length).toBeGreaterThan(5)
    expect(reads.every(r => r.auth === 'SAS' && r.status === 206 && r.bytes <= 200)).toBe(true)
    expect(watched.notices).toEqual([])
    expect(watched.watch.seen()).toEqual({ lastProgressLine: lines[39], errorLines: 0 })
  })

  it('starts only once the job was seen Running, and at most once a poll-interval before it ended', async () => {
    const watched = await watching({ [progressLog]: ['a\n', 'b\n'] }, {})
    await watched.watch.read('Queued', false, new AbortController().signal)
    expect(scenario.fake.requestsTo('armGetWorkspace')).toHaveLength(0)
    await watched.readStatus()
    await watched.round()
    // Within the same poll-interval: nothing is read.
    await watched.watch.read('Running', false, new AbortController().signal)
    expect(scenario.fake.requestsTo('runDetails')).toHaveLength(1)
    await watched.readStatus()
    // The round after the job ended is read at once, whatever the interval.
    await watched.watch.read('Completed', true, new AbortController().signal)
    expect(scenario.fake.requestsTo('runDetails')).toHaveLength(2)
    expect(watched.lines).toEqual(['  scoring: a', '  scoring: b'])
  })

  it('gives up on run history that does not answer within its round budget, with one notice', async () => {
    const watched = await watching({ [progressLog]: ['a\n'] }, { roundBudgetMs: 1_000 })
    await watched.readStatus()
    scenario.fake.fail('runChildren', { hang: true })
    const started = Date.now()
    await watched.round()
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(watched.notices).toEqual([
      "Could not read the scoring step's progress (no answer within 1 s); waiting for the job without it."
    ])
    // Nothing more is asked, however many rounds follow.
    const asked = scenario.fake.requests.length
    await watched.round()
    await watched.round('Completed', true)
    expect(scenario.fake.requests.length).toBe(asked)
    expect(watched.notices).toHaveLength(1)
    // The fake records the close once its socket sees it, which a loaded machine can delay.
    for (let i = 0; i < 500 && !scenario.fake.requestsTo('runChildren').at(-1)?.closedEarly; i++) await sleep(20)
    expect(scenario.fake.requestsTo('runChildren').at(-1)?.closedEarly).toBe(true)
  })

  it('stops reading, with one notice, when run history answers but takes over half the round budget', async () => {
    const watched = await watching({ [progressLog]: ['a\n', 'b\n'] }, { roundBudgetMs: 6_000 })
    await watched.readStatus()
    // Over half the budget, with room left for the round's other requests on a loaded machine.
    scenario.fake.fail('runDetails', { delayMs: 3_500 })
    await watched.round()
    expect(watched.lines).toEqual(['  scoring: a'])
    expect(watched.notices).toEqual([
      expect.stringMatching(/^Run history took \d+\.\d s to answer; the scoring step's progress is not read any more/)
    ])
    const asked = scenario.fake.requests.length
    await watched.readStatus()
    await watched.round()
    await watched.round('Completed', true)
    // The status read only: nothing more of run history or the logs.
    expect(scenario.fake.requests.length).toBe(asked + 1)
    expect(watched.notices).toHaveLength(1)
  })

  it('gives up on a log URL that never answers within its round budget, with one notice', async () => {
    const watched = await watching({ [progressLog]: ['a\n'] }, { roundBudgetMs: 1_000 })
    scenario.blobFrontEnd.silentDownloads.add(progressLog)
    await watched.readStatus()
    const started = Date.now()
    await watched.round()
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(watched.notices).toEqual([
      "Could not read the scoring step's progress (no answer within 1 s); waiting for the job without it."
    ])
    expect(logReads()).toHaveLength(1)
    expect(watched.watch.seen()).toBeUndefined()
  })

  it('ends at once, with no notice, when the workflow run is cancelled', async () => {
    const watched = await watching({ [progressLog]: ['a\n'] }, {})
    await watched.readStatus()
    scenario.fake.fail('runChildren', { hang: true })
    const cancellation = new AbortController()
    const round = watched.round('Running', false, cancellation.signal)
    for (let i = 0; i < 500 && scenario.fake.requestsTo('runChildren').length === 0; i++) await sleep(20)
    const cancelledAt = Date.now()
    cancellation.abort()
    await round
    expect(Date.now() - cancelledAt).toBeLessThan(1_000)
    expect(watched.notices).toEqual([])
  })

  it('sends no token to a log URL that is not on blob storage', async () => {
    const watched = await watching({ [progressLog]: ['a\n'] }, {})
    await watched.readStatus()
    const runs = scenario.fake.runHistory as unknown as { written: Map<string, { urls: Record<string, string> }> }
    for (const written of runs.written.values())
      written.urls[progressLog] = `https://collector.example.com/${randomUUID()}`
    await watched.round()
    expect(watched.notices).toEqual([
      `Could not read the scoring step's progress (log ${progressLog}: its address is not on blob storage); waiting for the job without it.`
    ])
    expect(scenario.proxy.connects.some(host => host.startsWith('collector.example.com'))).toBe(false)
  })
})
