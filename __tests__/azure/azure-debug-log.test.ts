import { format } from 'node:util'
import { redactCredentials } from '../../src/azure/azure-debug-log.js'

// What util.format prints for an object the SDK logs can hold a socket's last request, headers and all.
const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJl'

describe('redactCredentials', () => {
  it("blanks an earlier request's Authorization header held in an agent's socket", () => {
    const socket = {
      _httpMessage: {
        _header: `GET /subscriptions HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nHost: management.azure.com\r\n`
      },
      agent: { maxSockets: Infinity, proxyHeaders: { 'proxy-authorization': 'Basic dXNlcjpwYXNzd29yZA==' } }
    }
    const line = redactCredentials(format('Error disposing request %o', socket))
    expect(line).not.toContain(token)
    expect(line).not.toContain('dXNlcjpwYXNzd29yZA==')
    expect(line).toContain('Host: management.azure.com')
  })

  it("blanks a pre-signed URL's signature and a bare JWT, keeping the rest", () => {
    const url = 'https://acct.blob.core.windows.net/azureml/logs/error.txt?sv=2025-01-05&sr=b&sig=AbC%2Fdef%3D&sp=r'
    const line = redactCredentials(`GET ${url} token=${token}`)
    expect(line).toBe(
      'GET https://acct.blob.core.windows.net/azureml/logs/error.txt?sv=2025-01-05&sr=b&sig=REDACTED&sp=r token=REDACTED'
    )
  })

  it('blanks SharedKey signatures', () => {
    expect(redactCredentials("authorization: 'SharedKey devstoreaccount1:c2lnbmF0dXJl'")).toBe(
      "authorization: 'REDACTED'"
    )
  })
})
