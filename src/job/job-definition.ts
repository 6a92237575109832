import { parse as parseYaml, YAMLParseError } from 'yaml'
import { parseDuration } from '../duration.js'
import type { InputAccess } from '../input-access.js'
import * as format from '../input-formats.js'
import { InputError } from '../input-formats.js'
import { logSafe } from '../untrusted-text.js'
import { refuseCredentials } from '../uri-credentials.js'
import { dataUri, isDataAssetShortName, isDatastorePath } from './data-uri.js'

// Everything about the job itself that a workflow can set, as `az ml batch-endpoint invoke` can: inputs, output,
// batch settings, names and tags. Pure parsing; the request body is built from it in job-request.ts.

export type DataType = 'UriFolder' | 'UriFile'

export type JobInput =
  /** `type` is undefined only for a data asset short name, whose type the asset itself knows. */
  | { name: string; kind: 'data'; type: DataType | undefined; uri: string }
  | { name: string; kind: 'literal'; value: string }

export interface JobOutput {
  name: string
  type: DataType
  uri: string
}

export interface JobDefinition {
  inputs: JobInput[]
  output: JobOutput | undefined
  outputFileName: string | undefined
  miniBatchSize: number | undefined
  instanceCount: number | undefined
  errorThreshold: number | undefined
  maxRetries: number | undefined
  retryTimeoutSeconds: number | undefined
  loggingLevel: 'Info' | 'Warning' | 'Debug' | undefined
  experimentName: string | undefined
  displayName: string | undefined
  tags: Record<string, string>
}

// Sent in whole seconds (PT<n>S), so at least one; the service's default is 30 s per mini-batch, and an attempt
// allowed more than a day is a typo more likely than a plan.
const retryTimeoutLimits = { minMs: 1_000, maxMs: 24 * 3_600_000 }

const dataTypes: Record<string, DataType> = { uri_folder: 'UriFolder', uri_file: 'UriFile' }
const loggingLevels = { info: 'Info', warning: 'Warning', debug: 'Debug' } as const

/** `submits` false (job-id: a job already submitted is followed): no input is asked for. */
export function readJobDefinition({ get, check }: InputAccess, submits = true): JobDefinition {
  const optional = <T>(name: string, parse: (value: string) => T): T | undefined =>
    get(name) ? check(() => parse(get(name))) : undefined
  const outputUri = optional('output-uri', value => {
    refuseCredentials('output-uri', value)
    if (!isDatastorePath(value)) {
      throw new InputError(
        `Input 'output-uri' must be a datastore path: azureml://datastores/<datastore>/paths/<path> (or the long ` +
          `azureml://subscriptions/... form); outputs go to blob datastores only. Got '${format.shortened(value)}'.`
      )
    }
    return value
  })
  const retryTimeout = optional('retry-timeout', value => parseDuration('retry-timeout', value, retryTimeoutLimits))
  return {
    inputs: submits ? check(() => readInputs(get)) : [],
    output: outputUri
      ? {
          name: check(() => name('output-name', get('output-name') || 'score')),
          type: inferType(outputUri),
          uri: outputUri
        }
      : undefined,
    outputFileName: optional('output-file-name', value => format.outputFileName(value)),
    miniBatchSize: optional('mini-batch-size', value => whole('mini-batch-size', value, 1)),
    instanceCount: optional('instance-count', value => whole('instance-count', value, 1)),
    errorThreshold: optional('error-threshold', value => whole('error-threshold', value, -1)),
    maxRetries: optional('max-retries', value => whole('max-retries', value, 0)),
    retryTimeoutSeconds: retryTimeout === undefined ? undefined : Math.round(retryTimeout / 1000),
    loggingLevel: optional(
      'logging-level',
      value => loggingLevels[format.oneOf('logging-level', keys(loggingLevels), value)]
    ),
    experimentName: optional('experiment-name', value => format.experimentName(value)),
    displayName: optional('job-name', value => format.displayName(value)),
    tags: optional('tags', value => readTags(value)) ?? {}
  }
}

/** `inputs` (a YAML or JSON map), or the single `input-uri`, or `input-path` (filled in after uploading). */
function readInputs(get: (name: string) => string): JobInput[] {
  const map = get('inputs')
  if (get('input-path')) {
    const other = ['input-uri', 'inputs'].filter(name => get(name))
    if (other.length > 0) {
      throw new InputError(`Inputs 'input-path' and '${other[0]}' are both given: the job scores one or the other.`)
    }
    return []
  }
  if (map && get('input-uri')) {
    throw new InputError(
      "Inputs 'inputs' and 'input-uri' are both given: use 'inputs' for several inputs, or 'input-uri' for one."
    )
  }
  if (!map) {
    if (!get('input-uri')) {
      throw new InputError("Input 'input-uri' is required (or give several in 'inputs', or files in 'input-path').")
    }
    const type = dataTypes[format.oneOf('input-type', keys(dataTypes), get('input-type') || 'uri_folder')]
    return [
      {
        name: name('input-name', get('input-name') || 'input_data'),
        kind: 'data',
        type,
        uri: dataUri('input-uri', get('input-uri'))
      }
    ]
  }
  const entries = Object.entries(yamlMap('inputs', map))
  if (entries.length === 0) throw new InputError("Input 'inputs' is an empty map: name at least one input.")
  return entries.map(([key, value]) => readInput(name('inputs', key), value))
}

function readInput(inputName: string, value: unknown): JobInput {
  const where = `Input 'inputs', entry '${inputName}'`
  if (typeof value === 'string') return data(inputName, value, undefined)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `${where} must be a URI, {type, uri} or {value}, got ${format.shortened(JSON.stringify(value) ?? String(value))}.`
    )
  }
  const spec = value as Record<string, unknown>
  if ('value' in spec) {
    const literal = spec['value']
    if (!['string', 'number', 'boolean'].includes(typeof literal)) {
      throw new InputError(`${where}: a literal value must be a string, number or boolean.`)
    }
    return { name: inputName, kind: 'literal', value: String(literal) }
  }
  if (typeof spec['uri'] !== 'string') throw new InputError(`${where} has neither 'uri' nor 'value'.`)
  const type = spec['type'] === undefined ? undefined : String(spec['type'])
  if (type !== undefined && !(type in dataTypes)) {
    throw new InputError(`${where} has type '${format.shortened(type)}'; it must be uri_folder or uri_file.`)
  }
  return data(inputName, spec['uri'], type === undefined ? undefined : dataTypes[type])
}

function data(inputName: string, uri: string, type: DataType | undefined): JobInput {
  const checked = dataUri(`inputs' entry '${inputName}`, uri.trim())
  const inferred = isDataAssetShortName(checked) ? undefined : inferType(checked)
  return { name: inputName, kind: 'data', type: type ?? inferred, uri: checked }
}

// A trailing slash names a folder, as the Azure ML CLI and SDK read paths; data asset ids name versions of folders
// unless the asset says otherwise.
function inferType(uri: string): DataType {
  if (/\/data\/[^/]+\/versions\/[^/]+$/i.test(uri)) return 'UriFolder'
  return uri.endsWith('/') ? 'UriFolder' : 'UriFile'
}

function readTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const [key, value] of Object.entries(yamlMap('tags', text))) {
    if (value !== null && typeof value === 'object') {
      throw new InputError(
        `Input 'tags', entry '${format.shortened(key)}': a tag value must be text, a number or a boolean.`
      )
    }
    tags[key] = value === null ? '' : String(value)
  }
  return tags
}

function yamlMap(input: string, text: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = parseYaml(text)
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})`
        : ''
    const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
    throw new InputError(`Input '${input}' is not valid YAML or JSON${where}: ${logSafe(why, 300)}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(`Input '${input}' must be a map of names to values (YAML or JSON).`)
  }
  return parsed as Record<string, unknown>
}

function whole(input: string, value: string, min: number): number {
  const n = Number(value)
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new InputError(
      `Input '${input}' must be a whole number${min === -1 ? ' (-1 or more)' : min === 0 ? ' (0 or more)' : ' (1 or more)'}, got '${format.shortened(value)}'.`
    )
  }
  return n
}

function name(input: string, value: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value)) return value
  throw new InputError(
    `Input '${input}': '${format.shortened(value)}' is not a valid name (letters, digits, '_', '.', '-').`
  )
}

function keys<T extends object>(o: T): (keyof T & string)[] {
  return Object.keys(o) as (keyof T & string)[]
}
