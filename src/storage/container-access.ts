import type { TokenCredential } from '@azure/identity'
import type { ContainerClient } from '@azure/storage-blob'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import type { Cloud } from '../sign-in/clouds.js'
import { blobConnections, blobContainer } from './blob-container.js'
import { getBlobDatastore, getDatastoreSecret } from './datastore.js'

export interface ContainerAccessLog {
  info(message: string): void
  mask(secret: string): void
}

export interface ContainerAccess {
  arm: SendAzureRequest
  resourceManager: string
  /** The workspace's ARM id. */
  workspace: string
  datastore: string
  /** Whose storage hosts a datastore may name: the storage token goes to no other. */
  cloud: Cloud
  credential: TokenCredential
  log: ContainerAccessLog
}

/** What the work does with blobs, for the messages and the role it needs. */
export interface BlobWork {
  verb: 'write' | 'read'
  /** The data role that allows it: Storage Blob Data Contributor to write, Reader to read. */
  role: string
}

/**
 * Runs `work` on the datastore's container, first as the signed-in identity (a token for Azure Storage); when storage
 * refuses that identity (401/403), again with the datastore's own credentials from listSecrets, as the Azure ML SDK
 * reads datastores. When both are refused, the error names the role to grant.
 */
export async function withDatastoreContainer<T>(
  access: ContainerAccess,
  what: BlobWork,
  work: (container: ContainerClient) => Promise<T>
): Promise<T> {
  const { arm, resourceManager, workspace, log } = access
  const datastore = await getBlobDatastore(arm, resourceManager, workspace, access.datastore, access.cloud)
  // Loaded only here: a job that neither uploads nor downloads never pays for the storage SDK.
  const storage = await import('@azure/storage-blob')
  const containerUrl = `${datastore.serviceUrl}/${datastore.containerName}`
  const connections = blobConnections()
  const hint = () => roleHint(datastore.accountName, what)
  try {
    return await work(blobContainer(storage, containerUrl, access.credential, connections))
  } catch (error) {
    const status = refusedStatus(error)
    if (status === undefined) throw error
    if (!datastore.hasCredentials) throw new Error(`${messageOf(error)}\n${hint()}`)
    log.info(
      `The signed-in identity may not ${what.verb} blobs (HTTP ${status}); using the datastore's own credentials.`
    )
    const secret = await getDatastoreSecret(arm, resourceManager, workspace, datastore)
    log.mask(secret.kind === 'AccountKey' ? secret.key : secret.sasToken)
    const container =
      secret.kind === 'AccountKey'
        ? blobContainer(
            storage,
            containerUrl,
            new storage.StorageSharedKeyCredential(secret.accountName, secret.key),
            connections
          )
        : blobContainer(storage, `${containerUrl}?${secret.sasToken.replace(/^\?/, '')}`, undefined, connections)
    try {
      return await work(container)
    } catch (second) {
      if (refusedStatus(second) !== undefined) throw new Error(`${messageOf(second)}\n${hint()}`)
      throw second
    }
  }
}

/** 401 or 403 from storage, as the storage SDK (RestError) or the action's own errors carry it. */
function refusedStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode
  return status === 401 || status === 403 ? status : undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function roleHint(accountName: string, what: BlobWork): string {
  const access = what.verb === 'write' ? 'write to' : 'read from'
  return (
    `Neither the signed-in identity nor the datastore's own credentials may ${access} storage account ${accountName}. ` +
    `Grant the identity "${what.role}" on the account, or give the datastore an account key or SAS.`
  )
}
