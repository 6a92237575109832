import { logSafe } from '../untrusted-text.js'

// Where a datastore's blobs live comes from the datastore definition, which anyone who may edit the workspace can
// change. The storage token and the data go to the URL built here, so it is built only from parts that cannot name
// another host: a storage account name and the cloud's storage suffix.

const accountName = /^[a-z0-9]{3,24}$/
const containerName = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/
const dnsName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/i

export interface DatastoreLocation {
  /** The datastore's name in the workspace, for the error. */
  datastore: string
  accountName: unknown
  /** The storage endpoint suffix; absent means the cloud's own. */
  endpoint: unknown
  containerName: unknown
}

/** https://<account>.blob.<suffix>, or an error naming the datastore when its definition could point elsewhere. Pure. */
export function blobServiceUrl(location: DatastoreLocation, cloud: { name: string; storageSuffix: string }): string {
  const { datastore } = location
  const refuse = (why: string) =>
    new Error(
      `Datastore '${datastore}' ${why}. Nothing was sent to it: the action sends a storage token only to ` +
        `<account>.blob.${cloud.storageSuffix}. Correct the datastore in the workspace, or set 'datastore' to another.`
    )
  const account = location.accountName
  if (typeof account !== 'string' || !accountName.test(account)) {
    throw refuse(`has the account name ${shown(account)}, not a storage account name (3-24 a-z, 0-9)`)
  }
  const endpoint = location.endpoint ?? cloud.storageSuffix
  if (typeof endpoint !== 'string' || !dnsName.test(endpoint)) {
    throw refuse(`has the endpoint ${shown(endpoint)}, which is not a plain DNS name`)
  }
  if (endpoint.toLowerCase() !== cloud.storageSuffix) {
    throw refuse(`has the endpoint ${shown(endpoint)}, which is not the storage suffix of ${cloud.name}`)
  }
  const container = location.containerName
  if (typeof container !== 'string' || !containerName.test(container)) {
    throw refuse(`has the container name ${shown(container)}, not a blob container name`)
  }
  return `https://${account}.blob.${cloud.storageSuffix}`
}

const shown = (value: unknown) => logSafe(JSON.stringify(value) ?? 'undefined', 200)
