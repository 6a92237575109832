// Finding the job of a submission whose answer never came, in-process: the real Azure clients against the fake's
// Resource Manager over TLS, with lookups under a second apart instead of production's ten seconds.
import { ClientSecretCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import { createAzureClient, type SendAzureRequest } from '../../src/azure/azure-pipeline.js'
import type { RetryLimits } from '../../src/azure/retry.js'
import { findSubmittedJob, type JobSearchBounds } from '../../src/follow/find-submitted-job.js'
import { submitJob } from '../../src/job/submit.js'
import type { SubmittedJob } from '../../src/job/submitted-job.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'
import { settingsFrom } from '../../test/unit/settings-inputs.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `Qx8~${randomUUID()}` }
const fake = inProcessFakeAzure({ apps: [app], jobsPageSize: 2, jobsListLagMs: 1_000 })
const limits: RetryLimits = { maxAttempts: 2, maxElapsedMs: 500, baseDelayMs: 10, maxDelayMs: 50, maxTotalMs: 5_000 }
const bounds: JobSearchBounds = { lookups: 3, intervalMs: 700, pages: 10 }
const quiet = { info: () => {}, debug: () => {} }

let arm: SendAzureRequest
let workspaceUrl: string
const submitted: { job: SubmittedJob; id: string }[] = []

beforeAll(async () => {
  const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
    authorityHost: fake().url,
    disableInstanceDiscovery: true
  })
  const settings = settingsFrom({
    'tenant-id': app.tenantId,
    'client-id': app.clientId,
    'client-secret': app.clientSecret,
    'endpoint-uri': fake().scoringUri,
    'authority-host': fake().url,
    'resource-manager-endpoint': fake().url
  })
  arm = createAzureClient(credential, settings.cloud.resourceManagerScope, limits)
  const endpoint = createAzureClient(credential, settings.cloud.mlScope, limits)
  workspaceUrl = `${fake().url}${workspaceArmId(fake().batchEndpoint.workspace)}`
  // Five jobs, two a page: the oldest is on the third page of Jobs_List, which lists the newest first.
  for (let i = 0; i < 5; i++) {
    let id = ''
    const job = await submitJob(endpoint, settings, {}, quiet, {
      onSending: submission => (id = submission.headers['repeatability_request-id'] ?? '')
    })
    submitted.push({ job, id })
  }
  // Past the listing lag: every job above is listed from now on.
  await new Promise(resolve => setTimeout(resolve, 1_000))
})

function listings(): number {
  return fake().requestsTo('armListJobs').length
}

it('finds the job tagged with the submission id, reading pages until it is there', async () => {
  const before = listings()
  const oldest = submitted[0]!
  const search = await findSubmittedJob(arm, workspaceUrl, oldest.id, undefined, bounds)
  expect(search).toEqual({ found: { name: oldest.job.name, id: expect.stringMatching(/\/jobs\/batchjob-/) } })
  expect(listings() - before).toBe(3)
  const tagged = fake().requestsTo('armListJobs').at(-3)!
  expect(new URL(tagged.path, fake().url).searchParams.get('tag')).toBe('github.repeatability_request_id')
})

it('a job not listed yet is found by a later lookup', async () => {
  const endpoint = createAzureClient(
    new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
      authorityHost: fake().url,
      disableInstanceDiscovery: true
    }),
    'https://ml.azure.com/.default',
    limits
  )
  let id = ''
  const settings = settingsFrom({ 'endpoint-uri': fake().scoringUri })
  const job = await submitJob(endpoint, settings, {}, quiet, {
    onSending: submission => (id = submission.headers['repeatability_request-id'] ?? '')
  })
  const before = listings()
  const search = await findSubmittedJob(arm, workspaceUrl, id, undefined, bounds)
  expect(search).toEqual({ found: { name: job.name, id: expect.any(String) } })
  expect(listings() - before).toBeGreaterThan(Math.ceil(fake().jobs.length / 2))
})

it('no job of the submission: absent after every lookup read the whole list, and nothing is created', async () => {
  const jobs = fake().jobs.length
  const before = listings()
  const search = await findSubmittedJob(arm, workspaceUrl, randomUUID(), undefined, bounds)
  expect(search).toEqual({
    absent: 'listed 3 times over 1.4 s, the workspace has no job of this submission'
  })
  // Three lookups, each reading every page of the list.
  expect(listings() - before).toBe(3 * Math.ceil(jobs / 2))
  expect(fake().jobs).toHaveLength(jobs)
})

it('a list longer than the pages it may read: unknown, not absent', async () => {
  const search = await findSubmittedJob(arm, workspaceUrl, randomUUID(), undefined, { ...bounds, pages: 2 })
  expect(search).toEqual({ unknown: 'the workspace lists more than 2 pages of its jobs' })
})

it('a next page on another host: unknown, and no token goes there', async () => {
  const foreign = 'https://127.0.0.2:1/subscriptions/x/jobs?api-version=2025-12-01&$skip=2'
  fake().fail('armListJobs', { status: 200, body: JSON.stringify({ value: [], nextLink: foreign }) })
  const before = fake().requests.length
  const search = await findSubmittedJob(arm, workspaceUrl, randomUUID(), undefined, bounds)
  expect(search).toEqual({ unknown: "the workspace's job list leads away from Resource Manager" })
  expect(fake().requests.length - before).toBe(1)
})

it('a list Resource Manager refuses: unknown, with its answer', async () => {
  fake().fail('armListJobs', {
    status: 403,
    body: '{"error":{"code":"AuthorizationFailed","message":"no jobs/read"}}'
  })
  const search = await findSubmittedJob(arm, workspaceUrl, randomUUID(), undefined, bounds)
  expect(search).toEqual({
    unknown: expect.stringMatching(/^listing the workspace's jobs got HTTP 403 AuthorizationFailed: no jobs\/read/)
  })
})

it('a cancelled run ends the search at once, not waiting for the next lookup', async () => {
  const stop = new AbortController()
  const slow = { ...bounds, intervalMs: 600_000 }
  const searching = findSubmittedJob(arm, workspaceUrl, randomUUID(), stop.signal, slow)
  const before = listings()
  while (listings() === before) await new Promise(resolve => setTimeout(resolve, 10))
  stop.abort(new Error('cancelled'))
  // The abort lands in the first lookup's request or in the ten minutes before the next: either way it ends now.
  await expect(searching).rejects.toThrow(/cancelled|aborted/)
  // No second lookup: at most the pages of the first.
  expect(listings() - before).toBeLessThanOrEqual(Math.ceil(fake().jobs.length / 2))
})
