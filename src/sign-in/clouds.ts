// The sovereign clouds the action knows, with the hosts and token scopes Azure's own SDKs use for them
// (azure-ai-ml `_azure_environments.py`; names as Azure/login spells them). That file has no Studio host: those are
// the ones Azure ML's firewall guide lists ("Azure Machine Learning studio": ml.azure.com, ml.azure.us,
// studio.ml.azure.cn).
export interface Cloud {
  name: CloudName
  authorityHost: string
  mlScope: string
  resourceManager: string
  resourceManagerScope: string
  /** The host of the cloud's Azure ML studio: the only host a link from a service answer may point to. */
  studioHost: string
  /** The audience GitHub ID tokens must carry for this cloud's workload identity federation. */
  oidcAudience: string
  /** Blob hosts are <account>.blob.<storageSuffix>: the only hosts a storage token is sent to. */
  storageSuffix: string
}

export const cloudNames = ['azurecloud', 'azurechinacloud', 'azureusgovernment'] as const
export type CloudName = (typeof cloudNames)[number]

export const clouds: Record<CloudName, Cloud> = {
  azurecloud: {
    name: 'azurecloud',
    authorityHost: 'https://login.microsoftonline.com',
    mlScope: 'https://ml.azure.com/.default',
    resourceManager: 'https://management.azure.com',
    resourceManagerScope: 'https://management.azure.com/.default',
    studioHost: 'ml.azure.com',
    oidcAudience: 'api://AzureADTokenExchange',
    storageSuffix: 'core.windows.net'
  },
  azurechinacloud: {
    name: 'azurechinacloud',
    authorityHost: 'https://login.chinacloudapi.cn',
    mlScope: 'https://ml.azure.cn/.default',
    resourceManager: 'https://management.chinacloudapi.cn',
    resourceManagerScope: 'https://management.chinacloudapi.cn/.default',
    studioHost: 'studio.ml.azure.cn',
    oidcAudience: 'api://AzureADTokenExchangeChina',
    storageSuffix: 'core.chinacloudapi.cn'
  },
  azureusgovernment: {
    name: 'azureusgovernment',
    authorityHost: 'https://login.microsoftonline.us',
    mlScope: 'https://ml.azure.us/.default',
    resourceManager: 'https://management.usgovcloudapi.net',
    resourceManagerScope: 'https://management.usgovcloudapi.net/.default',
    studioHost: 'ml.azure.us',
    oidcAudience: 'api://AzureADTokenExchangeUSGov',
    storageSuffix: 'core.usgovcloudapi.net'
  }
}
