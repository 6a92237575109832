import { randomUUID } from 'node:crypto'
import { parseDuration } from './duration.js'
import * as format from './input-formats.js'
import { InputError } from './input-formats.js'
import { isDataAssetShortName } from './job/data-uri.js'
import { collectingInputAccess, type InputReader } from './input-access.js'
import { readJobDefinition, type JobDefinition } from './job/job-definition.js'
import { readResults, type ResultsSettings } from './results/download/results-settings.js'
import type { Cloud } from './sign-in/clouds.js'
import type { SignIn } from './sign-in/sign-in.js'
import { readSignInSettings } from './sign-in/sign-in-settings.js'
import { logSafe } from './untrusted-text.js'
import { parseWorkspaceId } from './workspace-id.js'

/** Whether and how to follow the job after submitting it. */
export interface FollowSettings {
  wait: boolean
  waitTimeoutMs: number
  pollIntervalMs: number
  failOnJobFailure: boolean
  cancelOnTimeout: boolean
  cancelOnWorkflowCancel: boolean
  /** While waiting, show the scoring step's progress and first errors from run history. */
  showProgress: boolean
}

/** input-path: files in the checkout to upload to a workspace datastore and score. */
export interface UploadSettings {
  inputPath: string
  inputName: string
  changedOnly: boolean
  datastore: string
  /** Folder inside the datastore, without slashes at either end. */
  prefix: string
  /** upload-prefix was given: the folder may hold an earlier run's files, which the job would score too. */
  prefixGiven: boolean
  /** To ask GitHub's compare API which files changed. */
  githubToken: string | undefined
}

/** Everything the action needs, validated: nothing here has touched the network. */
export interface Settings {
  signIn: SignIn
  /** endpoint-uri; with endpoint-name, '' until the endpoint is read (resolveEndpoint); '' with job-id. */
  scoringUri: string
  /** endpoint-name: the batch endpoint in `workspace`, read through Resource Manager before the submission. */
  endpointName: string | undefined
  /** job-id: a job submitted earlier, followed instead of submitting one. */
  jobId: string | undefined
  deploymentName: string | undefined
  job: JobDefinition
  /** The workspace's ARM id: where data asset short names are looked up. */
  workspace: string | undefined
  /** Validate and show the request, send nothing. */
  dryRun: boolean
  upload: UploadSettings | undefined
  cloud: Cloud
  authorityHost: string
  /** A host other than the cloud's own: MSAL cannot validate it through instance discovery. */
  customAuthorityHost: boolean
  /** The Azure Resource Manager origin jobs are read and cancelled through; tokens stay scoped to the cloud's ARM. */
  resourceManager: string
  follow: FollowSettings
  /** download-path: the output to fetch once the job Completed. */
  results: ResultsSettings | undefined
}

export interface RunnerEnvironment {
  /** ACTIONS_ID_TOKEN_REQUEST_URL is set: the job has `permissions: id-token: write`. */
  oidcAvailable: boolean
  /**
   * The runner's variables that default folders are named after (GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_WORKSPACE
   * and the like). Left out, none is set: a run outside a workflow.
   */
  env?: Record<string, string | undefined>
  warn(message: string): void
  /** A one-line note for the workflow author: something the action adjusted that works, but could be written better. */
  notice(message: string): void
}

/**
 * Turns the raw inputs into Settings. Every input is checked, and all problems are reported together, so a
 * workflow author fixes them in one round.
 */
export function readSettings(read: InputReader, runner: RunnerEnvironment): Settings {
  const { get, check, problems } = collectingInputAccess(read)
  const env = runner.env ?? {}

  const signingIn = readSignInSettings({ get, check }, runner)
  const target = check(() => readTarget(get))
  const scoringUri = get('endpoint-uri') ? check(() => format.scoringUri(get('endpoint-uri'))) : ''
  if (scoringUri && !/\/jobs\/*$/.test(new URL(get('endpoint-uri')).pathname)) {
    runner.notice(
      logSafe(`Input 'endpoint-uri' does not end in /jobs; scoring at ${scoringUri}, the endpoint's scoring URI.`)
    )
  }
  const settings: Settings = {
    ...signingIn,
    scoringUri,
    endpointName: target?.endpointName,
    jobId: target?.jobId,
    deploymentName: check(() => (get('deployment-name') ? format.deployment(get('deployment-name')) : undefined)),
    job: readJobDefinition({ get, check }, !get('job-id')),
    workspace: get('workspace') ? check(() => workspaceId(get('workspace'))) : undefined,
    dryRun: check(() => format.boolean('dry-run', get('dry-run') || 'false')),
    upload: get('input-path') ? check(() => readUpload(get, env)) : undefined,
    resourceManager: get('resource-manager-endpoint')
      ? check(() => format.httpsOrigin('resource-manager-endpoint', get('resource-manager-endpoint')))
      : signingIn.cloud.resourceManager,
    follow: {
      // Following is what job-id is for.
      wait: check(() => format.boolean('wait', get('wait') || 'false')) || get('job-id') !== '',
      waitTimeoutMs: check(() => parseDuration('wait-timeout', get('wait-timeout') || '6h', waitTimeoutLimits)),
      pollIntervalMs: check(() => parseDuration('poll-interval', get('poll-interval') || '30s', pollIntervalLimits)),
      failOnJobFailure: check(() => format.boolean('fail-on-job-failure', get('fail-on-job-failure') || 'true')),
      cancelOnTimeout: check(() => format.boolean('cancel-on-timeout', get('cancel-on-timeout') || 'true')),
      cancelOnWorkflowCancel: check(() =>
        format.boolean('cancel-on-workflow-cancel', get('cancel-on-workflow-cancel') || 'true')
      ),
      showProgress: check(() => format.boolean('show-progress', get('show-progress') || 'true'))
    },
    results: undefined
  }
  settings.results = readResults(
    { get, check },
    {
      wait: settings.follow.wait ?? false,
      output: settings.job.output,
      outputFileName: settings.job.outputFileName,
      upload: settings.upload,
      followsJob: settings.jobId !== undefined,
      env
    }
  )
  // The location the action chose goes into the request as OutputData, so the job writes where the download reads.
  if (settings.results?.chosen) settings.job = { ...settings.job, output: settings.results.output }
  const shortNames = (settings.job.inputs ?? []).filter(i => i.kind === 'data' && isDataAssetShortName(i.uri))
  if (shortNames.length > 0 && !settings.workspace) {
    problems.push(
      `Data asset short names (${shortNames.map(i => (i.kind === 'data' ? format.shortened(i.uri) : '')).join(', ')}) are looked up in ` +
        "a workspace: give 'workspace' (/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>)."
    )
  }
  for (const needs of ['endpoint-name', 'job-id']) {
    if (get(needs) && !get('workspace')) {
      problems.push(`Input '${needs}' names something in a workspace: give 'workspace' (its ARM id).`)
    }
  }
  if (get('job-id')) {
    const unused = ['input-uri', 'inputs', 'input-path', 'output-uri'].filter(name => get(name))
    if (unused.length > 0) {
      problems.push(
        `Input 'job-id' follows a job already submitted, so ${unused.map(name => `'${name}'`).join(', ')} ` +
          'cannot apply to it: remove them, or submit a new job with endpoint-uri or endpoint-name instead.'
      )
    }
  }
  if (settings.upload && !settings.workspace) {
    problems.push("Input 'input-path' uploads to a datastore of the workspace: give 'workspace' (its ARM id).")
  }
  if (problems.length > 0) throw new InputError(shownProblems(problems))
  return settings
}

// A value an error quotes may come from event data (`${{ github.event... }}`): whichever check raised it, each line
// of the error goes through logSafe, so that what the step prints or annotates holds no runner command. Lines the
// message itself breaks (a list of ways to sign in) stay.
function shownProblems(problems: string[]): string {
  return problems
    .join('\n')
    .split('\n')
    .map(line => logSafe(line, maxProblemLineLength))
    .join('\n')
}

// Room for the longest explanation (the forms of a data location) with the values it quotes.
const maxProblemLineLength = 2000

// A wait cannot outlast the job it runs in: 5 days is the longest a job may run, on a self-hosted runner (6 hours
// on GitHub's own). A shorter wait than a second could not see even the first status.
const waitTimeoutLimits = { minMs: 1_000, maxMs: 5 * 24 * 3_600_000 }
// Status reads more often than once a second only spend Resource Manager's request quota; a pause over an hour
// leaves a finished job unnoticed for most of that hour.
const pollIntervalLimits = { minMs: 1_000, maxMs: 3_600_000 }

function readUpload(get: (name: string) => string, env: Record<string, string | undefined>): UploadSettings {
  return {
    inputPath: get('input-path'),
    inputName: get('input-name') || 'input_data',
    changedOnly: format.boolean('changed-only', get('changed-only') || 'false'),
    datastore: format.datastoreName(get('datastore') || 'workspaceblobstore'),
    prefix: format.uploadPrefix(get('upload-prefix') || defaultPrefix(env)),
    prefixGiven: get('upload-prefix') !== '',
    githubToken: get('github-token') || undefined
  }
}

// Unique per step execution: neither a re-run nor another step or matrix leg of the same run attempt (which share
// run id and attempt) mixes its files with these. The run id and attempt stay, to find the folder from a run.
function defaultPrefix(env: Record<string, string | undefined>): string {
  const run = `${env['GITHUB_RUN_ID'] ?? '0'}-${env['GITHUB_RUN_ATTEMPT'] ?? '1'}`
  return `github/${env['GITHUB_REPOSITORY'] ?? 'local'}/${run}-${randomUUID().slice(0, 8)}`
}

const targets = ['endpoint-uri', 'endpoint-name', 'job-id'] as const

/** Which of endpoint-uri, endpoint-name and job-id says where the job is: exactly one of them. */
function readTarget(get: (name: string) => string): { endpointName?: string; jobId?: string } {
  const given = targets.filter(name => get(name))
  if (given.length !== 1) {
    const found = given.length === 0 ? 'none was given' : `${given.map(name => `'${name}'`).join(' and ')} were given`
    throw new InputError(
      "Give exactly one of 'endpoint-uri' (the batch endpoint's scoring URI), 'endpoint-name' (its name in " +
        `'workspace') and 'job-id' (a job submitted earlier, to follow): ${found}.`
    )
  }
  if (get('endpoint-name')) return { endpointName: format.endpointName(get('endpoint-name')) }
  if (get('job-id')) return { jobId: format.jobName('job-id', get('job-id')) }
  return {}
}

function workspaceId(value: string): string {
  const id = value.replace(/\/+$/, '')
  if (parseWorkspaceId(id)?.below === '') return id
  throw new InputError(
    "Input 'workspace' must be the workspace's ARM id: " +
      `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>, got '${format.shortened(value)}'.`
  )
}
