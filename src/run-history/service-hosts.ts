import { clouds, type CloudName } from '../sign-in/clouds.js'
import { plainHttpsUrl } from '../untrusted-text.js'

// The hosts run history reads may go to, per cloud. A URL that a service answered with (the workspace's discoveryUrl,
// the API host, a log's address) is only followed to these: the ARM token goes to Azure ML's own API hosts, and log
// URLs, which carry their own signature, only to blob storage. Host names from azure-ai-ml's _azure_environments.py
// and Azure ML's private DNS zones (privatelink.api.azureml.ms, .api.ml.azure.cn, .api.ml.azure.us). Pure.

const mlApiSuffix: Record<CloudName, string> = {
  azurecloud: 'api.azureml.ms',
  azurechinacloud: 'api.ml.azure.cn',
  azureusgovernment: 'api.ml.azure.us'
}

/** `https://<region>.api.azureml.ms` and the like (workspace-specific hosts below it too), nothing else. */
export function isMlApiUrl(url: string, cloud: CloudName): boolean {
  const host = plainHttpsHost(url)
  const suffix = `.${mlApiSuffix[cloud]}`
  return host !== undefined && host.endsWith(suffix) && /^([a-z0-9-]+\.)+$/.test(host.slice(0, -suffix.length + 1))
}

/** `https://<account>.blob.core.windows.net/...` (the cloud's storage suffix). */
export function isBlobUrl(url: string, cloud: CloudName): boolean {
  const host = plainHttpsHost(url)
  return (
    host !== undefined &&
    host === `${host.split('.')[0]}.blob.${clouds[cloud].storageSuffix}` &&
    /^[a-z0-9]{3,24}\./.test(host)
  )
}

function plainHttpsHost(url: string): string | undefined {
  return plainHttpsUrl(url)?.hostname.toLowerCase()
}
