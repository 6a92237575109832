// The wait's bounds, in-process: the real followJob and the real Azure clients (@azure/identity, the SDK pipeline)
// against the fake Azure over real TLS, with a token deadline and a request budget a sixtieth of production's. A
// cancel that gets no answer, or no token, ends the step with a failure that says the job may still be running.
import { ClientSecretCredential, type TokenCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import tls from 'node:tls'
import { createAzureClient, type SendAzureRequest } from '../../src/azure/azure-pipeline.js'
import type { RetryLimits } from '../../src/azure/retry.js'
import { followJob, type FollowResult } from '../../src/follow/follow.js'
import type { PollClock } from '../../src/follow/poll-job.js'
import { submitJob } from '../../src/job/submit.js'
import type { SubmittedJob } from '../../src/job/submitted-job.js'
import { reportFollowResult } from '../../src/results/follow-report.js'
import type { Settings } from '../../src/settings.js'
import { tokenHttpClient, withTokenDeadline } from '../../src/sign-in/token-deadline.js'
import { tokenServiceOf, tokenServiceOfSignIn } from '../../src/sign-in/token-services.js'
import type { RouteName } from '../../test/fake-azure/exchange.js'
import type { Fault } from '../../test/fake-azure/faults.js'
import { startFakeAzure, type FakeAzure, type FakeAzureOptions } from '../../test/fake-azure/server.js'
import { settingsFrom } from '../../test/unit/settings-inputs.js'

// Production gives a token 30 s and an ARM request 1 minute in all; the same order holds here: a cancel that waits
// on a token is ended by the token deadline, one that waits on Resource Manager by the request's budget.
const tokenDeadlineMs = 500
const limits: RetryLimits = { maxAttempts: 3, maxElapsedMs: 300, baseDelayMs: 10, maxDelayMs: 50, maxTotalMs: 1_000 }
// How long before the deadline the wait's last read starts: less than the token deadline, so a read waiting on a token
// then is ended by the wait's deadline, not by the token's.
const lastReadLeadMs = 300

const hangs = (count: number): Fault[] => Array.from({ length: count }, () => ({ hang: true }))
const defaultCAs = tls.getCACertificates('default')
const open: FakeAzure[] = []

afterEach(async () => {
  tls.setDefaultCACertificates(defaultCAs)
  await Promise.all(open.splice(0).map(fake => fake.close()))
})

interface Wait {
  fake: FakeAzure
  secret: string
  settings: Settings
  job: SubmittedJob
  /** A Resource Manager client as main makes them: the credential with its deadline, the budget above. */
  armClient: () => SendAzureRequest
}

/** A fake Azure, the settings a workflow would give to reach it (wait-timeout 1s), and a job submitted to it. */
async function submitted(options: FakeAzureOptions = {}): Promise<Wait> {
  const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `Qx8~${randomUUID()}` }
  const fake = await startFakeAzure({ ...options, apps: [app] })
  open.push(fake)
  // NODE_EXTRA_CA_CERTS is read only at start-up; in-process, the fake's CA joins the default store instead.
  tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
  const settings = settingsFrom({
    'tenant-id': app.tenantId,
    'client-id': app.clientId,
    'client-secret': app.clientSecret,
    'endpoint-uri': fake.scoringUri,
    'authority-host': fake.url,
    wait: 'true',
    'wait-timeout': '1s',
    'poll-interval': '1s',
    'resource-manager-endpoint': fake.url
  })
  // One credential for every client, as in main: its token cache is shared, each client's token cycler is not.
  const inner = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    httpClient: tokenHttpClient(tokenServiceOf)
  })
  const credential: TokenCredential = {
    getToken: (scopes, options) =>
      withTokenDeadline(
        () => inner.getToken(scopes, options),
        tokenServiceOfSignIn(settings.signIn),
        options?.abortSignal as AbortSignal | undefined,
        tokenDeadlineMs
      )
  }
  const endpoint = createAzureClient(credential, settings.cloud.mlScope, limits)
  const job = await submitJob(endpoint, settings, {}, { info: () => undefined, debug: () => undefined })
  const armClient = () => createAzureClient(credential, settings.cloud.resourceManagerScope, limits)
  return { fake, secret: app.clientSecret, settings, job, armClient }
}

/**
 * Real time, except that the wait's pauses pass at once: the wait reaches wait-timeout in a moment. The last pause
 * before the deadline ends `lastReadLeadMs` short of it, so that the read after it is in flight when the deadline
 * comes.
 */
function skippingClock(deadline: number): PollClock {
  let skipped = 0
  const now = () => Date.now() + skipped
  return {
    now,
    sleep: async ms => {
      const lastReadAt = deadline - lastReadLeadMs
      const until = now() < lastReadAt ? Math.min(now() + ms, lastReadAt) : now() + ms
      skipped += until - now()
    }
  }
}

interface Followed {
  result: FollowResult
  info: string[]
  warnings: string[]
}

/** Follows the job as main does, from its submission now, and keeps what the wait logs. */
async function follow(wait: Wait): Promise<Followed> {
  const info: string[] = []
  const warnings: string[] = []
  const log = {
    info: (line: string) => info.push(line),
    warning: (line: string) => warnings.push(line),
    notice: (line: string) => info.push(line)
  }
  const submittedAt = Date.now()
  const clock = skippingClock(submittedAt + wait.settings.follow.waitTimeoutMs)
  const interrupted = new AbortController().signal
  const clients = {
    newArm: wait.armClient,
    arm: wait.armClient(),
    anonymous: createAzureClient(undefined, '', limits)
  }
  const result = await followJob(wait.job, submittedAt, wait.settings, clients, interrupted, log, clock)
  return { result, info, warnings }
}

/** Every request to `route` from the `from`th was left unanswered and closed by the client (the fake notices late). */
async function closedByClient(fake: FakeAzure, route: RouteName, from = 0): Promise<void> {
  const abandoned = () => fake.requestsTo(route).slice(from)
  for (let i = 0; i < 100 && !abandoned().every(r => r.closedEarly); i++) await sleep(20)
  expect(abandoned().length).toBeGreaterThan(0)
  expect(abandoned().every(r => r.closedEarly)).toBe(true)
}

describe('followJob, when a service stops answering at the end of the wait', () => {
  it('ends when the cancel request stops answering, with a warning that the job may still run', async () => {
    const wait = await submitted({ jobStatuses: ['Running'] })
    wait.fake.fail('armCancelJob', ...hangs(3))

    const { result, warnings } = await follow(wait)

    const noAnswer = /^No answer from 127\.0\.0\.1:\d+ within 1 s in all/
    expect(result).toMatchObject({ outcome: 'timed-out', status: 'Running' })
    expect(result).toHaveProperty('cancel', { requested: false, error: expect.stringMatching(noAnswer) })
    expect(warnings).toEqual([
      expect.stringMatching(/^Could not cancel batchjob-[\w-]+: No answer from 127\.0\.0\.1:\d+/)
    ])
    const report = reportFollowResult(result, wait.job.name, wait.settings)
    expect(report.level).toBe('error')
    expect(report.message).toContain('did not finish within wait-timeout (1s)')
    expect(report.message).toMatch(/Cancelling the Azure job failed \(No answer from 127\.0\.0\.1:\d+ within 1 s/)
    expect(report.message).toContain('it may still be running')
    await closedByClient(wait.fake, 'armCancelJob')
  })

  it('ends at wait-timeout while a read waits on a token that does not come; the cancel says why it failed', async () => {
    const wait = await submitted()
    // Entra ID stops answering once the job is submitted: the wait's read and the cancel both wait on a token.
    const answered = wait.fake.requestsTo('token').length
    wait.fake.fail('token', ...hangs(3))

    const { result, info, warnings } = await follow(wait)

    expect(result).toMatchObject({ outcome: 'timed-out' })
    // The cancel's own token fetch ran out of time: a client of its own does not join the fetch the wait gave up.
    const noToken = /^Entra ID's token endpoint at 127\.0\.0\.1:\d+ did not answer within 0\.5 s/
    expect(result).toHaveProperty('cancel', { requested: false, error: expect.stringMatching(noToken) })
    // The read was given up at the deadline, before its token's own deadline: it never came back as a failed read.
    expect(info).toEqual([expect.stringMatching(/^Waiting for batchjob-/)])
    expect(warnings).toEqual([expect.stringMatching(/^Could not cancel batchjob-[\w-]+: Entra ID's token endpoint/)])
    const report = reportFollowResult(result, wait.job.name, wait.settings)
    expect(report.level).toBe('error')
    expect(report.message).toContain('did not finish within wait-timeout (1s)')
    expect(report.message).toMatch(
      /Cancelling the Azure job failed \(Entra ID's token endpoint at .* did not answer within 0\.5 s/
    )
    expect(report.message).toContain('it may still be running')
    // The read's token and the cancel's, each closed when given up.
    expect(wait.fake.requestsTo('token').length - answered).toBe(2)
    await closedByClient(wait.fake, 'token', answered)
    expect(wait.fake.requestsTo('armGetJob')).toHaveLength(0)
    expect(wait.fake.requestsTo('armCancelJob')).toHaveLength(0)
    const shown = [...info, ...warnings, report.message].join('\n')
    for (const secret of [wait.secret, ...wait.fake.tokens.map(t => t.accessToken)]) expect(shown).not.toContain(secret)
  })
})
