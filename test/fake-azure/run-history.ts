import { randomUUID } from 'node:crypto'
import { authenticate } from './arm-auth.js'
import { armErrorReply } from './arm-errors.js'
import { decoded, sameName } from './arm-gate.js'
import type { BatchEndpoint } from './batch-endpoint.js'
import type { BatchJob } from './batch-job.js'
import { jsonReply, originOf, type RecordedRequest, type Reply, type Route } from './exchange.js'
import { terminalStatuses } from './job-statuses.js'
import type { TokenStore } from './tokens.js'

// Azure ML's run history on the workspace's regional API host (<region>.api.azureml.ms, reached through the test
// proxy): the discovery document that names the host, a run's details and its children, as `az ml job stream` reads
// them (azure-ai-ml _job_ops_helper.py). A batch job is a pipeline run with one child, its batchscoring step.

export const defaultApiHost = 'https://eastus2.api.azureml.ms'

/** Why failed jobs failed: the errors run history reports and the logs of the scoring step. */
export interface FailureScript {
  jobError?: { code: string; message: string }
  stepError?: { code: string; message: string }
  /** Log name (as in logFiles) → its text. */
  logs?: Record<string, string>
  /** Runs besides the batchscoring step among the job's children, as a job that fanned out has. */
  otherChildren?: number
  /** Where the batchscoring step is among the children (0 unless said). */
  stepIndex?: number
}

/**
 * The scoring step's logs as it runs, the same for every job: log name (as in logFiles) → the parts the step writes.
 * Each read of the job's status through Resource Manager that answers Running appends the next part of every log, and
 * the read that answers a final status appends all that is left, before the status is answered: a client that reads
 * the logs after a status read sees what was written up to it. A null part is a log not started yet (a newer
 * timestamped file comes later); the log is listed from its first string part on.
 */
export interface ScoringLogScript {
  logs: Record<string, readonly (string | null)[]>
}

const runsPath =
  String.raw`^/history/v1\.0/subscriptions/(?<subscription>[^/]+)/resourceGroups/(?<resourceGroup>[^/]+)` +
  String.raw`/providers/Microsoft\.MachineLearningServices/workspaces/(?<workspace>[^/]+)/runs/(?<run>[^/]+)`

export class RunHistory {
  failure: FailureScript = {}
  scoring: ScoringLogScript | undefined
  private readonly endpoint: BatchEndpoint
  private readonly tokens: TokenStore
  private readonly audiences: readonly string[]
  private readonly apiHost: string
  private readonly steps = new Map<string, string>()
  private readonly storedLogs = new Map<string, Promise<Record<string, string>>>()
  /** Per step: the parts of the scoring logs written so far, and the logs' URLs. */
  private readonly written = new Map<string, { parts: number; urls: Record<string, string> }>()

  readonly routes: Route[] = [
    { name: 'discovery', method: 'GET', path: /^\/discovery$/, handle: () => this.discovery() },
    {
      name: 'runDetails',
      method: 'GET',
      path: new RegExp(`${runsPath}/details$`, 'i'),
      handle: (r, p) => this.details(r, p)
    },
    {
      name: 'runChildren',
      method: 'GET',
      path: new RegExp(`${runsPath}/children$`, 'i'),
      handle: (r, p) => this.children(r, p)
    }
  ]

  constructor(tokens: TokenStore, endpoint: BatchEndpoint, audiences: readonly string[], apiHost = defaultApiHost) {
    this.tokens = tokens
    this.endpoint = endpoint
    this.audiences = audiences
    this.apiHost = apiHost
  }

  /** The id of a job's batchscoring step, made up once per job. */
  stepOf(job: BatchJob): string {
    let step = this.steps.get(job.name)
    if (!step) this.steps.set(job.name, (step = randomUUID()))
    return step
  }

  /** Resource Manager read the job's status: the scoring step writes on (see ScoringLogScript). */
  async statusRead(job: BatchJob, status: string): Promise<void> {
    const storage = this.endpoint.jobStorage
    if (!this.scoring || !storage) return
    const step = this.stepOf(job)
    const written = this.written.get(step) ?? { parts: 0, urls: {} }
    this.written.set(step, written)
    const started = written.parts > 0
    if (status !== 'Running' && !(started && terminalStatuses.has(status))) return
    const longest = Math.max(...Object.values(this.scoring.logs).map(parts => parts.length))
    const upTo = status === 'Running' ? Math.min(written.parts + 1, longest) : longest
    for (; written.parts < upTo; written.parts++) {
      for (const [name, parts] of Object.entries(this.scoring.logs)) {
        const part = parts[written.parts]
        if (typeof part === 'string') written.urls[name] = await storage.appendLog(step, name, part)
      }
    }
  }

  // Every service of the region answers on the same host.
  private discovery(): Reply {
    const api = this.apiHost
    return jsonReply(200, {
      api,
      catalog: api,
      experimentation: api,
      gallery: `${api}/marketplace/api`,
      history: api,
      hyperdrive: api,
      labeling: api,
      modelmanagement: api,
      pipelines: api,
      studio: 'https://ml.azure.com'
    })
  }

  private async details(request: RecordedRequest, params: Record<string, string>): Promise<Reply> {
    const found = this.find(request, params)
    if ('status' in found) return found
    const { job, step } = found
    const status = job.statuses.current
    const failed = status === 'Failed'
    const error = failed ? (step ? this.failure.stepError : this.failure.jobError) : undefined
    const failureLogs = step && failed && this.failure.logs ? await this.logsOf(step, this.failure.logs) : {}
    const logs = { ...(step ? this.written.get(step)?.urls : {}), ...failureLogs }
    return jsonReply(200, {
      runId: step ?? job.name,
      parentRunId: step ? job.name : null,
      status,
      target: 'cpu-cluster',
      logFiles: logs,
      ...(error ? { error: { error: { ...error, details: [], innerError: null } } } : {}),
      warnings: []
    })
  }

  private children(request: RecordedRequest, params: Record<string, string>): Reply {
    const found = this.find(request, params)
    if ('status' in found) return found
    if (found.step) return jsonReply(200, { value: [], continuationToken: null })
    const { job } = found
    const status = job.statuses.current
    const step = { runId: this.stepOf(job), parentRunId: job.name, name: 'batchscoring', status }
    const others = Array.from({ length: this.failure.otherChildren ?? 0 }, (_, i) => ({
      runId: `${job.name}_minibatch_${i}`,
      parentRunId: job.name,
      name: `minibatch_${i}`,
      status
    }))
    const children = [...others]
    children.splice(this.failure.stepIndex ?? 0, 0, step)
    // Paged as run history pages: $top runs from where $continuationtoken says (all of them without $top).
    const query = new URL(request.path, 'https://fake').searchParams
    const from = Number(query.get('$continuationtoken') ?? 0)
    const top = Number(query.get('$top') ?? children.length)
    const next = from + top < children.length ? String(from + top) : null
    return jsonReply(200, { value: children.slice(from, from + top), continuationToken: next })
  }

  private logsOf(step: string, logs: Record<string, string>): Promise<Record<string, string>> {
    const storage = this.endpoint.jobStorage
    if (!storage) return Promise.resolve({})
    let stored = this.storedLogs.get(step)
    if (!stored) this.storedLogs.set(step, (stored = storage.storeLogs(step, logs)))
    return stored
  }

  /** The run a request names (a job, or a job's step), after the ARM token and the workspace are checked. */
  private find(request: RecordedRequest, params: Record<string, string>): { job: BatchJob; step?: string } | Reply {
    const token = authenticate(request, this.tokens, this.audiences)
    if (!('accessToken' in token)) return armErrorReply(token, `${originOf(request)}/`, {})
    const ws = this.endpoint.workspace
    const sameWorkspace =
      sameName(decoded(params['subscription']), ws.subscriptionId) &&
      sameName(decoded(params['resourceGroup']), ws.resourceGroup) &&
      sameName(decoded(params['workspace']), ws.workspace)
    const run = decoded(params['run'])
    const job = sameWorkspace ? this.endpoint.jobNamed(run) : undefined
    if (job) return { job }
    const parent = sameWorkspace ? [...this.steps].find(([, step]) => step === run)?.[0] : undefined
    const ofStep = parent === undefined ? undefined : this.endpoint.jobNamed(parent)
    if (ofStep) return { job: ofStep, step: run }
    return jsonReply(404, { error: { code: 'UserError', message: `Run ${run} was not found`, details: [] } })
  }
}
