import { explainEndpointFailure } from '../../src/job/endpoint-errors.js'

const principal = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '0f3e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6'
}
const endpoint = {
  scoringUri: 'https://heart-ep.westus2.inference.ml.azure.com/jobs',
  signIn: { kind: 'client-secret' as const, ...principal, clientSecret: 'x' },
  deploymentName: undefined
}

describe('explainEndpointFailure', () => {
  const answer = (status: number, bodyText: string, headers: Record<string, string> = {}) => ({
    status,
    bodyText,
    headers
  })

  it('explains 403 with the role to grant, and shows the request id', () => {
    const message = explainEndpointFailure(
      answer(
        403,
        JSON.stringify({ error: { code: 'AuthorizationFailed', message: 'The client does not have authorization.' } }),
        {
          'x-request-id': 'req-123'
        }
      ),
      endpoint
    )
    expect(message).toContain('HTTP 403 AuthorizationFailed: The client does not have authorization.')
    expect(message).toContain('"AzureML Data Scientist"')
    expect(message).toContain(`service principal ${principal.clientId}`)
    expect(message).toContain('Request id: req-123')
  })

  it('explains 401 as a token the endpoint did not accept', () => {
    expect(explainEndpointFailure(answer(401, ''), endpoint)).toContain("'environment' is the endpoint's cloud")
  })

  it('explains 404 as a wrong endpoint-uri, or a wrong deployment-name', () => {
    expect(explainEndpointFailure(answer(404, 'Not Found'), endpoint)).toContain("Check 'endpoint-uri'")
    const deploymentMissing = answer(
      404,
      JSON.stringify({ error: { code: 'NotFound', message: "Deployment 'x' not found" } })
    )
    expect(explainEndpointFailure(deploymentMissing, { ...endpoint, deploymentName: 'x' })).toContain(
      "Check 'deployment-name'"
    )
  })

  it('explains a missing default deployment', () => {
    const body = JSON.stringify({
      error: { code: 'UserError', message: 'No valid deployments to route to. Please check…' }
    })
    expect(explainEndpointFailure(answer(400, body), endpoint)).toContain("set 'deployment-name'")
  })

  it('shows a plain-text body as it came, and the Azure request id header', () => {
    const message = explainEndpointFailure(
      answer(403, 'Microsoft Entra Token denied by policy.', { 'x-ms-request-id': 'ms-req-9' }),
      endpoint
    )
    expect(message).toContain('HTTP 403: Microsoft Entra Token denied by policy.')
    expect(message).toContain('Request id: ms-req-9')
  })

  it('does not say no job was started after a 408 or 5xx: a gateway can send one after the service took it', () => {
    expect(explainEndpointFailure(answer(503, '{}'), endpoint)).toMatch(/^The batch endpoint did not confirm the job/)
    expect(explainEndpointFailure(answer(408, '{}'), endpoint)).toMatch(/^The batch endpoint did not confirm the job/)
    expect(explainEndpointFailure(answer(429, '{}'), endpoint)).toMatch(/^The batch endpoint did not start the job/)
  })

  it('says how many attempts a persistent failure took', () => {
    expect(explainEndpointFailure(answer(500, '{}'), { ...endpoint, attempts: 5 })).toContain('after 5 attempts')
  })
})

describe('explainEndpointFailure with endpoint-name', () => {
  const byName = { ...endpoint, endpointName: 'heart-ep' }

  it('sends the user to the endpoint, not to an endpoint-uri they never gave', () => {
    const notFound = explainEndpointFailure({ status: 404, bodyText: 'Not Found', headers: {} }, byName)
    expect(notFound).toContain(
      `Nothing answers at ${endpoint.scoringUri}, the scoring URI batch endpoint 'heart-ep' names.`
    )
    expect(notFound).not.toContain('endpoint-uri')
    const refused = explainEndpointFailure({ status: 401, bodyText: '', headers: {} }, byName)
    expect(refused).toContain("Check that 'endpoint-name' belongs")
  })
})
