// GitHub's compare API within its bounds, with the real @actions/github and the action's HTTP pipeline against the
// fake GitHub over real TLS: a 502 is asked again, and an API that stops answering ends the comparison with a clear
// message once the budget is spent. Bounds of a second or two stand in for the step's 30 s a request and 40 s in all.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import tls from 'node:tls'
import { changedFiles } from '../../src/upload/github-changes.js'
import { startFakeAzure, type FakeAzure } from '../../test/fake-azure/server.js'
import { saveEnvironment } from '../../test/unit/saved-environment.js'

const before = 'a'.repeat(40)
const after = 'b'.repeat(40)
const basehead = `${before}...${after}`
const githubEnv = ['GITHUB_EVENT_NAME', 'GITHUB_EVENT_PATH', 'GITHUB_REPOSITORY', 'GITHUB_API_URL']
const environment = saveEnvironment(githubEnv)
const defaultCAs = tls.getCACertificates('default')
let fake: FakeAzure

beforeAll(async () => {
  fake = await startFakeAzure()
  tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
  // A forced push: its payload cannot tell what changed, so GitHub is asked. @actions/github reads the event when
  // changedFiles first loads it, and the API's address as each client is made.
  const event = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
  writeFileSync(event, JSON.stringify({ before, after, forced: true, commits: [] }))
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: fake.github.repository,
    GITHUB_API_URL: fake.url
  })
  fake.githubApi.setCompare(basehead, [{ filename: 'data/incoming/a.csv', status: 'added' }])
})

afterAll(async () => {
  environment.restore()
  tls.setDefaultCACertificates(defaultCAs)
  await fake.close()
})

function recordingLog() {
  const lines: string[] = []
  return { lines, info: (message: string) => void lines.push(message) }
}

describe('changedFiles', () => {
  it('asks again after a 502', async () => {
    fake.fail('githubCompare', { status: 502, body: '<html>502 Bad Gateway</html>' })
    const log = recordingLog()
    const changes = await changedFiles(fake.githubApi.token, log)
    expect(changes).toEqual({ event: 'push', changed: new Set(['data/incoming/a.csv']) })
    expect(log.lines).toEqual([
      'Asking GitHub which files changed: the push was forced.',
      "GitHub's compare API failed (HTTP 502); trying again in 1 s"
    ])
    expect(fake.requestsTo('githubCompare')).toHaveLength(2)
  })

  // Last: the hangs it scripts and leaves unused would hold any later comparison.
  it('ends with a clear message when GitHub stops answering, once its budget is spent', async () => {
    fake.fail('githubCompare', { hang: true }, { hang: true }, { hang: true })
    const log = recordingLog()
    const started = Date.now()
    // As in the step: the first request runs out of its time, the second is cut by the budget.
    const comparing = changedFiles(fake.githubApi.token, log, { requestTimeoutMs: 1_000, budgetMs: 2_500 })
    await expect(comparing).rejects.toThrow(
      `GitHub's compare API (${basehead}) gave no answer within 2.5 s. changed-only needs it to tell which files ` +
        'changed: run the job again, or set changed-only to false.'
    )
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(log.lines).toEqual([
      'Asking GitHub which files changed: the push was forced.',
      "GitHub's compare API failed (ETIMEDOUT); trying again in 1 s"
    ])
    // The fake notices a closed connection a moment after the client closes it.
    for (let i = 0; i < 100 && !fake.requestsTo('githubCompare').at(-1)?.closedEarly; i++) await sleep(20)
    expect(fake.requestsTo('githubCompare').at(-1)?.closedEarly).toBe(true)
  })
})
