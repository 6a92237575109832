import type { DataType, JobOutput } from '../../job/job-definition.js'

// Where the job's results go, and how an azureml:// datastore path reads. Pure.

export interface DatastoreLocation {
  datastore: string
  /** The path inside the datastore, without a leading slash; a folder's ends with '/'. */
  path: string
  /** The workspace's ARM id when the long azureml://subscriptions/... form names one. */
  workspace: string | undefined
}

const shortForm = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.+)$/i
const longForm =
  /^azureml:\/\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/workspaces\/([^/]+)\/datastores\/([^/]+)\/paths\/(.+)$/i

/** The datastore and path of `azureml://datastores/<ds>/paths/<path>` (or the long form); undefined for others. */
export function parseDatastoreUri(uri: string): DatastoreLocation | undefined {
  const short = shortForm.exec(uri)
  if (short) return { datastore: short[1] ?? '', path: trimStart(short[2] ?? ''), workspace: undefined }
  const long = longForm.exec(uri)
  if (!long) return undefined
  const [, subscription, resourceGroup, workspace, datastore, path] = long
  return {
    datastore: datastore ?? '',
    path: trimStart(path ?? ''),
    workspace:
      `/subscriptions/${subscription}/resourceGroups/${resourceGroup}` +
      `/providers/Microsoft.MachineLearningServices/workspaces/${workspace}`
  }
}

export interface StepIdentity {
  repository: string
  runId: string
  runAttempt: string
  /** The workflow job's id: readable, but shared by the legs of a matrix. */
  job: string
  /** Random per step execution: two steps of one run attempt never share it, matrix legs included. */
  unique: string
}

/** The top folder of chosen locations: never the folder uploads go to by default (github/...). */
export const resultsRoot = 'github-results'

/**
 * The output the action sends when it is to download the results and the workflow named no `output-uri`. A model
 * deployment takes one output, `score`, and only as a file (the service refuses any other type with "Job output type
 * must be 'uri_file'"); other names are a pipeline component's outputs, which are folders.
 */
export function chooseOutput(
  outputName: string,
  outputFileName: string | undefined,
  datastore: string,
  step: StepIdentity
): JobOutput {
  const folder = `${resultsRoot}/${step.repository}/${step.runId}-${step.runAttempt}/${step.job}-${step.unique}`
  const base = `azureml://datastores/${datastore}/paths/${folder}`
  const type: DataType = outputName === 'score' ? 'UriFile' : 'UriFolder'
  return {
    name: outputName,
    type,
    uri: type === 'UriFile' ? `${base}/${outputFileName ?? 'predictions.csv'}` : `${base}/`
  }
}

/** True when the location lies in the folder `prefix` (a datastore folder without slashes at its ends). */
export function isInsideFolder(location: DatastoreLocation, datastore: string, prefix: string): boolean {
  return location.datastore.toLowerCase() === datastore.toLowerCase() && location.path.startsWith(`${prefix}/`)
}

function trimStart(path: string): string {
  return path.replace(/^\/+/, '')
}
