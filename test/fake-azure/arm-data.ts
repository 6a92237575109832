import type { ArmProblem } from './arm-errors.js'
import type { Workspace } from './batch-job.js'

// The workspace's registered data assets as Resource Manager serves them (Data containers and versions,
// 2025-12-01): what `azureml:<name>:<version>` and `azureml:<name>@latest` are looked up in.

export interface DataAssetVersion {
  version: string
  dataType: 'uri_folder' | 'uri_file'
  dataUri: string
}

export interface DataAsset {
  name: string
  versions: DataAssetVersion[]
}

function workspaceId(ws: Workspace): string {
  return (
    `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}`
  )
}

/** The newest version, by creation: the last one registered. */
export function latestVersion(asset: DataAsset): DataAssetVersion | undefined {
  return asset.versions.at(-1)
}

export function dataContainerResource(asset: DataAsset, ws: Workspace): unknown {
  const latest = latestVersion(asset)
  return {
    id: `${workspaceId(ws)}/data/${asset.name}`,
    name: asset.name,
    type: 'Microsoft.MachineLearningServices/workspaces/data',
    properties: {
      dataType: latest?.dataType ?? 'uri_folder',
      isArchived: false,
      latestVersion: latest?.version ?? null,
      nextVersion: String(asset.versions.length + 1),
      description: null,
      tags: {},
      properties: {}
    }
  }
}

export function dataVersionResource(asset: DataAsset, version: DataAssetVersion, ws: Workspace): unknown {
  return {
    id: `${workspaceId(ws)}/data/${asset.name}/versions/${version.version}`,
    name: version.version,
    type: 'Microsoft.MachineLearningServices/workspaces/data/versions',
    properties: {
      dataType: version.dataType,
      dataUri: version.dataUri,
      isAnonymous: false,
      isArchived: false,
      description: null,
      tags: {},
      properties: {}
    }
  }
}

export function dataNotFound(name: string, version?: string): ArmProblem {
  const what = version === undefined ? `data container ${name}` : `data version ${name}:${version}`
  return { status: 404, code: 'UserError', message: `Could not find ${what} in the workspace.` }
}
