import { InputError } from '../input-formats.js'
import { refuseCredentials } from '../uri-credentials.js'
import { parseWorkspaceId } from '../workspace-id.js'

// The forms of data location a batch endpoint accepts (Azure ML docs, "how-to-access-data-batch-endpoints-jobs").
const datastorePath = /^azureml:\/\/datastores\/[^/]+\/paths\/.+$/i
const workspaceDatastorePath =
  /^azureml:\/\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/workspaces\/[^/]+\/datastores\/[^/]+\/paths\/.+$/i
// In a workspace's id, a data asset version's: .../workspaces/<ws>/data/<name>/versions/<version>.
const dataAssetVersion = /^\/data\/[^/]+\/versions\/[^/]+$/i
const dataAssetShortName = /^azureml:[^/:@]+(?::[^/:@]+|@latest)$/i

const acceptedForms = [
  'an https URL (https://<account>.blob.core.windows.net/<container>/<path>)',
  'azureml://datastores/<datastore>/paths/<path>',
  'azureml://subscriptions/<s>/resourcegroups/<rg>/workspaces/<ws>/datastores/<datastore>/paths/<path>',
  "a data asset's ARM id (/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>/data/<name>/versions/<version>)",
  "a data asset's short name, azureml:<name>:<version> or azureml:<name>@latest (with 'workspace')"
]

export function isDatastorePath(value: string): boolean {
  return datastorePath.test(value) || workspaceDatastorePath.test(value)
}

/** azureml:<name>:<version> or azureml:<name>@latest: resolved to the asset's ARM id before submitting. */
export function isDataAssetShortName(value: string): boolean {
  return dataAssetShortName.test(value)
}

/**
 * Checks that `value` is a data location the batch endpoint accepts, or a data asset short name the action resolves,
 * and returns it unchanged.
 */
export function dataUri(input: string, value: string): string {
  if (value === '') throw new InputError(`Input '${input}' is empty: give ${describeForms()}.`)
  refuseCredentials(input, value)
  if (isDatastorePath(value) || isDataAssetId(value) || isDataAssetShortName(value)) return value
  if (/^https:\/\//i.test(value)) {
    try {
      new URL(value)
      return value
    } catch {
      throw new InputError(`Input '${input}' is not a valid URL: '${value}'.`)
    }
  }
  if (/^http:\/\//i.test(value)) {
    throw new InputError(`Input '${input}' must use https, got '${value}'.`)
  }
  if (/^azureml:[^/]/i.test(value)) {
    throw new InputError(
      `Input '${input}' ('${value}') is not a data asset short name: give azureml:<name>:<version> or azureml:<name>@latest.`
    )
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new InputError(
      `Input '${input}' looks like a local path ('${value}'); the endpoint reads data from Azure storage only. ` +
        `Upload it to a datastore first, then give ${describeForms()}.`
    )
  }
  throw new InputError(
    `Input '${input}' is not a data location the endpoint accepts ('${value}'): give ${describeForms()}.`
  )
}

function isDataAssetId(value: string): boolean {
  return dataAssetVersion.test(parseWorkspaceId(value)?.below ?? '')
}

function describeForms(): string {
  return `one of: ${acceptedForms.join('; ')}`
}
