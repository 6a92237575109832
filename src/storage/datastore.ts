import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { armRefusal } from '../azure/service-errors.js'
import type { Cloud } from '../sign-in/clouds.js'
import { blobServiceUrl } from './blob-host.js'

const apiVersion = '2025-12-01'

export interface BlobDatastore {
  name: string
  /** https://<account>.blob.<endpoint suffix> */
  serviceUrl: string
  containerName: string
  /** The datastore keeps credentials of its own (account key, SAS) that listSecrets can hand out. */
  hasCredentials: boolean
}

export type DatastoreSecret =
  { kind: 'AccountKey'; accountName: string; key: string } | { kind: 'Sas'; sasToken: string }

/**
 * Reads the workspace datastore through ARM; only Azure Blob datastores can take an upload, and only on the cloud's
 * own storage (see blob-host.ts).
 */
export async function getBlobDatastore(
  arm: SendAzureRequest,
  resourceManager: string,
  workspace: string,
  name: string,
  cloud: Pick<Cloud, 'name' | 'storageSuffix'>
): Promise<BlobDatastore & { accountName: string }> {
  const url = `${resourceManager}${workspace}/datastores/${encodeURIComponent(name)}`
  const answer = await arm({ method: 'GET', url: `${url}?api-version=${apiVersion}`, timeoutMs: 30_000 })
  if (answer.status !== 200) throw datastoreError(answer, `read datastore '${name}'`)
  const properties = (JSON.parse(answer.bodyText) as { properties?: Record<string, unknown> }).properties ?? {}
  if (properties['datastoreType'] !== 'AzureBlob') {
    throw new Error(
      `Datastore '${name}' is ${String(properties['datastoreType'])}, not an Azure Blob datastore: set 'datastore' to one ` +
        'that is (workspaceblobstore is).'
    )
  }
  const serviceUrl = blobServiceUrl(
    {
      datastore: name,
      accountName: properties['accountName'],
      endpoint: properties['endpoint'],
      containerName: properties['containerName']
    },
    cloud
  )
  const credentialsType = (properties['credentials'] as { credentialsType?: unknown } | undefined)?.credentialsType
  return {
    name,
    accountName: String(properties['accountName']),
    // The datastore's protocol (https, or wasbs for Spark) names how jobs read it; the blob service itself is https.
    serviceUrl,
    containerName: String(properties['containerName']),
    hasCredentials: credentialsType === 'AccountKey' || credentialsType === 'Sas'
  }
}

/** The datastore's own credentials (POST listSecrets): used when the signed-in identity may not write blobs. */
export async function getDatastoreSecret(
  arm: SendAzureRequest,
  resourceManager: string,
  workspace: string,
  datastore: { name: string; accountName: string }
): Promise<DatastoreSecret> {
  const url = `${resourceManager}${workspace}/datastores/${encodeURIComponent(datastore.name)}/listSecrets`
  const answer = await arm({ method: 'POST', url: `${url}?api-version=${apiVersion}`, body: '', timeoutMs: 30_000 })
  if (answer.status !== 200) throw datastoreError(answer, `read the credentials of datastore '${datastore.name}'`)
  const secrets = JSON.parse(answer.bodyText) as { secretsType?: unknown; key?: unknown; sasToken?: unknown }
  if (secrets.secretsType === 'AccountKey' && typeof secrets.key === 'string') {
    return { kind: 'AccountKey', accountName: datastore.accountName, key: secrets.key }
  }
  if (secrets.secretsType === 'Sas' && typeof secrets.sasToken === 'string')
    return { kind: 'Sas', sasToken: secrets.sasToken }
  throw new Error(`Datastore '${datastore.name}' has no account key or SAS token to upload with.`)
}

function datastoreError(answer: { status: number; bodyText: string }, what: string): Error {
  return armRefusal(answer, what, {
    404: "Check 'datastore' and 'workspace'.",
    403: 'The signed-in identity needs a role on the workspace such as AzureML Data Scientist.'
  })
}
