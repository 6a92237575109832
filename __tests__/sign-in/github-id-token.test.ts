// The GitHub ID-token request, against the fake GitHub OIDC token service over real TLS.
import { requestGitHubIdToken } from '../../src/sign-in/github-id-token.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const fake = inProcessFakeAzure()

describe('requestGitHubIdToken', () => {
  it("asks for the audience with the job's request token, as core.getIDToken does", async () => {
    const idToken = await requestGitHubIdToken('api://AzureADTokenExchange', fake().github.env)
    expect(fake().github.issued).toContain(idToken)
    const request = fake().requestsTo('githubIdToken').at(-1)!
    expect(request.path).toContain('audience=api%3A%2F%2FAzureADTokenExchange')
    expect(request.headers['authorization']).toBe(`Bearer ${fake().github.requestToken}`)
  })

  it('says what GitHub answered when it gives no ID token', async () => {
    fake().fail('githubIdToken', { status: 403, body: 'Forbidden: no id-token permission' })
    await expect(requestGitHubIdToken('api://AzureADTokenExchange', fake().github.env)).rejects.toThrow(
      "GitHub's ID-token service answered HTTP 403: Forbidden: no id-token permission"
    )
    fake().fail('githubIdToken', { status: 200, body: '{"count":1}' })
    await expect(requestGitHubIdToken('api://AzureADTokenExchange', fake().github.env)).rejects.toThrow(
      "GitHub's ID-token service answered without an ID token"
    )
  })

  it('needs the variables a job with id-token: write has', async () => {
    await expect(requestGitHubIdToken('api://AzureADTokenExchange', {})).rejects.toThrow(
      'ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set.'
    )
  })
})
