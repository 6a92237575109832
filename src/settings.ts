import { clouds, cloudNames, type Cloud } from './clouds.js'
import { dataUri } from './data-uri.js'
import { parseDuration } from './duration.js'
import * as format from './input-formats.js'
import { InputError } from './input-formats.js'
import { resolveSignIn, type SignIn } from './sign-in.js'

export type InputType = 'UriFolder' | 'UriFile'

export interface JobInput {
  name: string
  type: InputType
  uri: string
}

/** Whether and how to follow the job after submitting it. */
export interface FollowSettings {
  wait: boolean
  waitTimeoutMs: number
  pollIntervalMs: number
  failOnJobFailure: boolean
  cancelOnTimeout: boolean
  cancelOnWorkflowCancel: boolean
}

/** Everything the action needs, validated: nothing here has touched the network. */
export interface Settings {
  signIn: SignIn
  scoringUri: string
  deploymentName: string | undefined
  input: JobInput
  cloud: Cloud
  authorityHost: string
  /** A host other than the cloud's own: MSAL cannot validate it through instance discovery. */
  customAuthorityHost: boolean
  /** The Azure Resource Manager origin jobs are read and cancelled through; tokens stay scoped to the cloud's ARM. */
  resourceManager: string
  follow: FollowSettings
}

/** Reads an input the way the runner passes it; returns '' when it is not set. */
export type InputReader = (name: string) => string

export interface RunnerEnvironment {
  /** ACTIONS_ID_TOKEN_REQUEST_URL is set: the job has `permissions: id-token: write`. */
  oidcAvailable: boolean
  warn(message: string): void
}

const inputTypes = { uri_folder: 'UriFolder', uri_file: 'UriFile' } as const

/**
 * Turns the raw inputs into Settings. Every input is checked, and all problems are reported together, so a
 * workflow author fixes them in one round.
 */
export function readSettings(read: InputReader, runner: RunnerEnvironment): Settings {
  const problems: string[] = []
  const get = (name: string): string => read(name).trim()
  function check<T>(parse: () => T): T {
    try {
      return parse()
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      problems.push(error.message)
      return undefined as T
    }
  }
  function required(name: string): string {
    const value = get(name)
    if (value === '') throw new InputError(`Input '${name}' is required and was not given.`)
    return value
  }

  const environment = check(() => format.oneOf('environment', cloudNames, get('environment') || 'azurecloud'))
  const cloud = clouds[environment ?? 'azurecloud']
  const resolved = check(() =>
    resolveSignIn(
      {
        authType: get('auth-type'),
        tenantId: get('tenant-id'),
        clientId: get('client-id'),
        clientSecret: get('client-secret'),
        clientCertificate: get('client-certificate'),
        audience: get('audience'),
        creds: get('creds')
      },
      { ...runner, defaultAudience: cloud.oidcAudience }
    )
  )
  const authorityHostInput = get('authority-host') || resolved?.authorityHost || ''
  const settings: Settings = {
    signIn: resolved?.signIn,
    scoringUri: check(() => format.scoringUri(required('endpoint-uri'))),
    deploymentName: check(() => (get('deployment-name') ? format.deployment(get('deployment-name')) : undefined)),
    input: {
      name: check(() => inputName(get('input-name') || 'input_data')),
      type: check(() => inputTypes[format.oneOf('input-type', keys(inputTypes), get('input-type') || 'uri_folder')]),
      uri: check(() => dataUri('input-uri', required('input-uri')))
    },
    cloud,
    authorityHost: authorityHostInput
      ? check(() => format.httpsUrl(get('authority-host') ? 'authority-host' : 'creds', authorityHostInput).origin)
      : cloud.authorityHost,
    customAuthorityHost: authorityHostInput !== '',
    resourceManager: get('resource-manager-endpoint')
      ? check(() => format.httpsUrl('resource-manager-endpoint', get('resource-manager-endpoint')).origin)
      : cloud.resourceManager,
    follow: {
      wait: check(() => format.boolean('wait', get('wait') || 'false')),
      waitTimeoutMs: check(() => parseDuration('wait-timeout', get('wait-timeout') || '6h')),
      pollIntervalMs: check(() => pollInterval(get('poll-interval') || '30s')),
      failOnJobFailure: check(() => format.boolean('fail-on-job-failure', get('fail-on-job-failure') || 'true')),
      cancelOnTimeout: check(() => format.boolean('cancel-on-timeout', get('cancel-on-timeout') || 'true')),
      cancelOnWorkflowCancel: check(() =>
        format.boolean('cancel-on-workflow-cancel', get('cancel-on-workflow-cancel') || 'true')
      )
    }
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'))
  return settings
}

function pollInterval(value: string): number {
  const ms = parseDuration('poll-interval', value)
  if (ms < 1000) throw new InputError(`Input 'poll-interval' must be at least 1s, got '${value}'.`)
  return ms
}

function inputName(value: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value)) return value
  throw new InputError(
    `Input 'input-name' must be a name such as input_data (letters, digits, '_', '.', '-'), got '${value}'.`
  )
}

function keys<T extends object>(o: T): (keyof T & string)[] {
  return Object.keys(o) as (keyof T & string)[]
}
