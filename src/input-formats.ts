import { InputError } from './input-error.js'
import { logSafe } from './untrusted-text.js'
import { refuseCredentials } from './uri-credentials.js'

// Pure checks of the formats the inputs take. Each returns the normalised value or throws an InputError that names
// the input, says what was expected and what to do.

export { InputError } from './input-error.js'

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const domain = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i
// Deployment names as the Azure ML REST API constrains them.
const deploymentName = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/

export function tenantId(value: string): string {
  if (guid.test(value) || domain.test(value)) return value
  if (['common', 'organizations', 'consumers'].includes(value.toLowerCase())) {
    throw new InputError(
      `Input 'tenant-id' must name one tenant: '${value}' is a multi-tenant alias, which a service principal cannot sign in to. ` +
        'Use the tenant GUID shown as "Directory (tenant) ID" on the app registration.'
    )
  }
  throw new InputError(
    `Input 'tenant-id' must be a tenant GUID or a domain such as contoso.onmicrosoft.com, got '${shortened(value)}'.`
  )
}

export function clientId(value: string): string {
  if (guid.test(value)) return value
  throw new InputError(
    `Input 'client-id' must be a GUID: the app registration's "Application (client) ID", got '${shortened(value)}'.`
  )
}

export function httpsUrl(input: string, value: string): URL {
  refuseCredentials(input, value)
  // The URL parser drops tabs and line breaks without a word: '…/jobs\nfoo' would become '…/jobsfoo'.
  if (/\p{Cc}/u.test(value)) {
    throw new InputError(`Input '${input}' must be a URL on one line, without control characters.`)
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(`Input '${input}' must be an https URL, got '${shortened(value)}'.`)
  }
  if (url.protocol !== 'https:') {
    throw new InputError(
      `Input '${input}' must use https, got '${url.protocol.replace(':', '')}' in '${shortened(value)}'.`
    )
  }
  if (url.port === '0') throw new InputError(`Input '${input}' names port 0, where nothing can answer.`)
  return url
}

/** An https origin and nothing more: a path, query or fragment would otherwise be dropped without a word. */
export function httpsOrigin(input: string, value: string): string {
  const url = httpsUrl(input, value)
  const extra = [url.pathname !== '/' && 'a path', url.search && 'a query (?...)', url.hash && 'a fragment (#...)']
  const found = extra.filter(Boolean)
  if (found.length > 0) {
    throw new InputError(
      `Input '${input}' must be the host alone, such as https://${url.host}, but it has ${found.join(' and ')}. ` +
        "Remove it (a tenant goes in 'tenant-id')."
    )
  }
  return url.origin
}

// Azure shows the scoring URI ending in /jobs; people often paste the endpoint's base URL, so /jobs is appended.
export function scoringUri(value: string): string {
  const url = httpsUrl('endpoint-uri', value)
  if (url.search || url.hash) {
    throw new InputError(
      "Input 'endpoint-uri' must be the endpoint's scoring URI without a query (?...) or fragment (#...), as " +
        'az ml batch-endpoint show --query scoring_uri prints it.'
    )
  }
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = path.endsWith('/jobs') ? path : `${path}/jobs`
  return url.toString()
}

export function deployment(value: string): string {
  if (deploymentName.test(value)) return value
  throw new InputError(
    `Input 'deployment-name' must be a deployment name (letters, digits, '-' and '_', starting with a letter or digit), got '${shortened(value)}'.`
  )
}

// Endpoint names as Azure ML accepts them: 3 to 32 letters, digits and '-', starting with a letter.
const endpointNamePattern = /^[a-zA-Z][a-zA-Z0-9-]{2,31}$/

export function endpointName(value: string): string {
  if (endpointNamePattern.test(value)) return value
  throw new InputError(
    `Input 'endpoint-name' must be a batch endpoint's name (3-32 letters, digits and '-', starting with a letter), got '${shortened(value)}'.`
  )
}

// Job names as Azure ML gives them (batchjob-<guid>) and accepts them in Resource Manager paths.
const jobNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/

export function jobName(input: string, value: string): string {
  if (jobNamePattern.test(value)) return value
  throw new InputError(
    `Input '${input}' must be a job's name, such as batchjob-<guid> (the job-id output of the step that submitted it), got '${shortened(value)}'.`
  )
}

// Datastores are ARM resources of the workspace, named as Azure ML names its resources.
const datastore = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/

export function datastoreName(value: string): string {
  if (datastore.test(value)) return value
  throw new InputError(
    `Input 'datastore' must be a datastore name (letters, digits, '-' and '_', starting with a letter or digit, ` +
      `at most 255), got '${shortened(value)}'.`
  )
}

// A blob name is at most 1,024 characters; the prefix keeps at least half of that for the paths of the files.
const maxPrefixLength = 512

/**
 * A folder inside the datastore, without slashes at either end. It becomes part of blob names and of the job's
 * input URI, so what would change the URL (`?`, `#`, `\`, `%`), climb out of the folder (`..`) or split a log
 * line is refused.
 */
export function uploadPrefix(value: string): string {
  const prefix = value.replace(/^\/+|\/+$/g, '')
  const problem = prefixProblem(prefix)
  if (problem === undefined) return prefix
  throw new InputError(
    `Input 'upload-prefix' must be a folder path such as github/contoso/data, got '${shortened(value)}': ${problem}.`
  )
}

function prefixProblem(prefix: string): string | undefined {
  if (prefix === '') return 'it is empty'
  if (prefix.length > maxPrefixLength) return `it is longer than ${maxPrefixLength} characters`
  if (controlCharacter.test(prefix)) return 'it holds a line break or another control character'
  if (/[?#\\%]/.test(prefix)) return "it holds '?', '#', '%' or '\\', which would change the URL"
  if (prefix.split('/').some(part => part === '..' || part === '.' || part === '')) {
    return "it has an empty, '.' or '..' folder"
  }
  return undefined
}

// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

// An input shown back in an error: one line the runner cannot take as a command, and short enough to read.
export function shortened(value: string): string {
  return logSafe(value, 100)
}

// A file name is at most 255 characters on the file systems a runner downloads to.
const maxFileNameLength = 255

/**
 * output-file-name: the file the deployment writes in its output folder, the last part of the output's URI when the
 * action chooses where the output goes, and the name of the file downloaded. So a plain file name: no folder, nothing
 * that would change the URL or that a runner's file system refuses.
 */
export function outputFileName(value: string): string {
  const problem = fileNameProblem(value)
  if (problem === undefined) return value
  throw new InputError(
    `Input 'output-file-name' must be a file name such as predictions.csv (letters, digits, '.', '_' and '-', ` +
      `at most ${maxFileNameLength} characters), got '${shortened(value)}': ${problem}.`
  )
}

function fileNameProblem(name: string): string | undefined {
  if (name.length > maxFileNameLength) return `it is longer than ${maxFileNameLength} characters`
  if (controlCharacter.test(name)) return 'it holds a line break or another control character'
  if (/[/\\]/.test(name)) return "it names a folder ('/' or '\\'); the folder is output-uri's to choose"
  if (name === '.' || name === '..') return "'.' and '..' name folders, not files"
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)) {
    return "it holds other characters, or starts with '.'"
  }
  return undefined
}

// Azure ML's rule, in the words the service refuses a name with: "Experiment name must be 1-256 characters, start
// with a letter or a number, and can only contain letters, numbers, underscores, and dashes."
const experiment = /^[A-Za-z0-9][A-Za-z0-9_-]{0,255}$/

export function experimentName(value: string): string {
  if (experiment.test(value)) return value
  throw new InputError(
    "Input 'experiment-name' must be an Azure ML experiment name (letters, digits, '_' and '-', starting with a " +
      `letter or digit, at most 256 characters), got '${shortened(value)}'.`
  )
}

// Azure ML publishes no rule for a job's display name (Studio shows it as text); one line of at most the length an
// experiment name may have is what a name in a list needs.
const maxDisplayNameLength = 256

export function displayName(value: string): string {
  const problem =
    value.length > maxDisplayNameLength
      ? `it is longer than ${maxDisplayNameLength} characters`
      : controlCharacter.test(value)
        ? 'it holds a line break or another control character'
        : undefined
  if (problem === undefined) return value
  throw new InputError(
    `Input 'job-name' must be a display name on one line, at most ${maxDisplayNameLength} characters, ` +
      `got '${shortened(value)}': ${problem}.`
  )
}

export function oneOf<T extends string>(input: string, allowed: readonly T[], value: string): T {
  const found = allowed.find(a => a === value.toLowerCase())
  if (found) return found
  throw new InputError(`Input '${input}' must be one of ${allowed.join(', ')}, got '${shortened(value)}'.`)
}

/** true/false as YAML 1.2 spells them (what workflow authors write), the same set @actions/core accepts. */
export function boolean(input: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(`Input '${input}' must be true or false, got '${shortened(value)}'.`)
}
