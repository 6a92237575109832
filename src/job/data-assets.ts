import * as core from '@actions/core'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { armRefusal } from '../azure/service-errors.js'
import type { Settings } from '../settings.js'
import { logSafe } from '../untrusted-text.js'
import { untilAborted } from '../workflow-cancellation.js'
import { isDataAssetShortName } from './data-uri.js'
import type { DataType, JobDefinition, JobInput } from './job-definition.js'

const dataApiVersion = '2025-12-01'

/** The inputs with their data asset short names looked up in the workspace; the settings as they are without any. */
export async function lookUpDataAssets(
  settings: Settings,
  arm: SendAzureRequest,
  cancelled: AbortSignal
): Promise<Settings> {
  const { workspace } = settings
  if (!workspace || !settings.job.inputs.some(i => i.kind === 'data' && isDataAssetShortName(i.uri))) return settings
  const job = await core.group('Look up data assets', () =>
    untilAborted(
      resolveDataAssets(settings.job, workspace, settings.resourceManager, arm, message => core.info(message)),
      cancelled
    )
  )
  return { ...settings, job }
}

/**
 * Replaces data asset short names (azureml:<name>:<version>, azureml:<name>@latest) with the asset version's ARM id,
 * as the Azure ML SDK does before invoking: @latest is the container's latestVersion, and the asset's own data type
 * decides folder or file unless the workflow said.
 */
export async function resolveDataAssets(
  job: JobDefinition,
  workspace: string,
  resourceManager: string,
  arm: SendAzureRequest,
  log: (message: string) => void
): Promise<JobDefinition> {
  const inputs: JobInput[] = []
  for (const input of job.inputs) {
    if (input.kind !== 'data' || !isDataAssetShortName(input.uri)) {
      inputs.push(input)
      continue
    }
    const [, name = '', version = 'latest'] = /^azureml:([^:@]+)(?::([^:@]+)|@latest)$/i.exec(input.uri) ?? []
    const dataUrl = `${resourceManager}${workspace}/data/${encodeURIComponent(name)}`
    const resolvedVersion =
      version === 'latest' ? String((await getJson(arm, dataUrl, input.uri)).properties?.latestVersion ?? '') : version
    if (!resolvedVersion) throw new Error(`Data asset '${name}' has no versions in workspace ${workspace}.`)
    const asset = await getJson(arm, `${dataUrl}/versions/${encodeURIComponent(resolvedVersion)}`, input.uri)
    const id = typeof asset.id === 'string' ? asset.id : `${workspace}/data/${name}/versions/${resolvedVersion}`
    const type: DataType = input.type ?? (asset.properties?.dataType === 'uri_file' ? 'UriFile' : 'UriFolder')
    log(logSafe(`Data asset ${input.uri} is ${id}`))
    inputs.push({ ...input, uri: id, type })
  }
  return { ...job, inputs }
}

interface DataResource {
  id?: unknown
  properties?: { latestVersion?: unknown; dataType?: unknown }
}

async function getJson(arm: SendAzureRequest, url: string, shortName: string): Promise<DataResource> {
  const answer = await arm({ method: 'GET', url: `${url}?api-version=${dataApiVersion}`, timeoutMs: 30_000 })
  if (answer.status === 200) return JSON.parse(answer.bodyText) as DataResource
  throw armRefusal(answer, `look up data asset ${shortName}`, {
    404: "Check the asset's name and version, and that 'workspace' is the workspace it is registered in.",
    403: 'The signed-in identity needs a role that may read data assets, such as AzureML Data Scientist.'
  })
}
