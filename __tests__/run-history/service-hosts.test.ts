import { isBlobUrl, isMlApiUrl } from '../../src/run-history/service-hosts.js'

describe('isMlApiUrl', () => {
  it("takes each cloud's Azure ML API hosts only", () => {
    expect(isMlApiUrl('https://eastus.api.azureml.ms/discovery', 'azurecloud')).toBe(true)
    expect(isMlApiUrl('https://chinaeast2.api.ml.azure.cn', 'azurechinacloud')).toBe(true)
    expect(isMlApiUrl('https://usgovvirginia.api.ml.azure.us', 'azureusgovernment')).toBe(true)
    expect(isMlApiUrl('https://eastus.api.azureml.ms', 'azurechinacloud')).toBe(false)
    expect(isMlApiUrl('https://api.azureml.ms.evil.example/discovery', 'azurecloud')).toBe(false)
    expect(isMlApiUrl('https://evilapi.azureml.ms', 'azurecloud')).toBe(false)
    expect(isMlApiUrl('http://eastus.api.azureml.ms', 'azurecloud')).toBe(false)
    expect(isMlApiUrl('https://user@eastus.api.azureml.ms', 'azurecloud')).toBe(false)
    expect(isMlApiUrl('https://eastus.api.azureml.ms:8443', 'azurecloud')).toBe(false)
  })
})

describe('isBlobUrl', () => {
  it("takes the cloud's blob hosts only", () => {
    expect(isBlobUrl('https://mlwstore01.blob.core.windows.net/azureml/x?sig=1', 'azurecloud')).toBe(true)
    expect(isBlobUrl('https://mlwstore01.blob.core.chinacloudapi.cn/azureml/x', 'azurechinacloud')).toBe(true)
    expect(isBlobUrl('https://mlwstore01.blob.core.usgovcloudapi.net/x', 'azureusgovernment')).toBe(true)
    expect(isBlobUrl('https://mlwstore01.blob.core.windows.net.evil.example/x', 'azurecloud')).toBe(false)
    expect(isBlobUrl('https://a.b.blob.core.windows.net/x', 'azurecloud')).toBe(false)
    expect(isBlobUrl('http://mlwstore01.blob.core.windows.net/x', 'azurecloud')).toBe(false)
    expect(isBlobUrl('https://management.azure.com/x', 'azurecloud')).toBe(false)
  })
})
