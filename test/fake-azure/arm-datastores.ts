import type { ArmProblem } from './arm-errors.js'
import type { Workspace } from './batch-job.js'

// The workspace's blob datastores as Resource Manager serves them (Datastores_Get and Datastores_ListSecrets,
// 2025-12-01): where `azureml://datastores/<name>/paths/...` points, and the credentials Azure ML keeps for it.

/** Azurite's well-known development account, so that the default datastore works against the emulator unchanged. */
export const emulatorAccount = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
} as const

export type DatastoreCredentials =
  | { credentialsType: 'None' }
  | { credentialsType: 'AccountKey'; key: string }
  | { credentialsType: 'Sas'; sasToken: string }

export interface Datastore {
  name: string
  accountName: string
  containerName: string
  /** The storage endpoint suffix: core.windows.net on the public cloud. */
  endpoint?: string
  protocol?: 'https' | 'wasbs'
  credentials: DatastoreCredentials
  /** workspaceblobstore is the workspace's default unless a datastore says otherwise. */
  isDefault?: boolean
  /** A credential-less datastore lets the workspace's identity reach storage for jobs, and only with one. */
  serviceDataAccessAuthIdentity?: 'None' | 'WorkspaceSystemAssignedIdentity' | 'WorkspaceUserAssignedIdentity'
}

/** The datastore every workspace is created with: workspaceblobstore, on the container Azure ML named for it. */
export function defaultDatastores(workspaceId: string): Datastore[] {
  return [
    {
      name: 'workspaceblobstore',
      accountName: emulatorAccount.name,
      containerName: `azureml-blobstore-${workspaceId}`,
      credentials: { credentialsType: 'AccountKey', key: emulatorAccount.key }
    }
  ]
}

/** A datastore as Datastores_Get answers: its credentials' type, never the secret itself. */
export function datastoreResource(datastore: Datastore, ws: Workspace): unknown {
  const { credentialsType } = datastore.credentials
  const credentials =
    credentialsType === 'None' ? { credentialsType } : { credentialsType, secrets: { secretsType: credentialsType } }
  return {
    id:
      `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}` +
      `/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}/datastores/${datastore.name}`,
    name: datastore.name,
    type: 'Microsoft.MachineLearningServices/workspaces/datastores',
    properties: {
      description: null,
      tags: {},
      properties: {},
      isDefault: datastore.isDefault ?? datastore.name === 'workspaceblobstore',
      credentials,
      datastoreType: 'AzureBlob',
      accountName: datastore.accountName,
      containerName: datastore.containerName,
      endpoint: datastore.endpoint ?? 'core.windows.net',
      protocol: datastore.protocol ?? 'https',
      serviceDataAccessAuthIdentity: datastore.serviceDataAccessAuthIdentity ?? 'None',
      subscriptionId: ws.subscriptionId,
      resourceGroup: ws.resourceGroup
    },
    systemData: {
      createdAt: '2025-01-14T09:21:07.000Z',
      createdBy: 'Microsoft.MachineLearningServices',
      createdByType: 'Application',
      lastModifiedAt: '2025-01-14T09:21:07.000Z',
      lastModifiedBy: 'Microsoft.MachineLearningServices',
      lastModifiedByType: 'Application'
    }
  }
}

/** What Datastores_ListSecrets answers, or undefined for a datastore that keeps no secret. */
export function datastoreSecrets(datastore: Datastore): unknown {
  const credentials = datastore.credentials
  if (credentials.credentialsType === 'AccountKey') return { secretsType: 'AccountKey', key: credentials.key }
  if (credentials.credentialsType === 'Sas') return { secretsType: 'Sas', sasToken: credentials.sasToken }
  return undefined
}

// Azure ML's wording, as its SDKs have long quoted it.
export const datastoreNotFound = (name: string): ArmProblem => ({
  status: 404,
  code: 'UserError',
  message: `Could not find datastore: ${name}.`
})

// DatastoreSecrets has no "None" type, so a credential-less datastore cannot answer with one. The wording is the
// fake's: clients should not call listSecrets for such a datastore at all (azure-ai-ml does not).
export const datastoreWithoutSecrets = (name: string): ArmProblem => ({
  status: 400,
  code: 'UserError',
  message: `Datastore ${name} is credential-less (credentialsType None): it has no secrets to list.`
})
