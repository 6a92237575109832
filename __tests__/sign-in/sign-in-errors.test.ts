import { explainSignInFailure, jwtClaims } from '../../src/sign-in/sign-in-errors.js'

const principal = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '0f3e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6'
}
const signIn = {
  signIn: { kind: 'client-secret' as const, ...principal, clientSecret: 'x' },
  authorityHost: 'https://login.microsoftonline.com'
}

// As @azure/identity reports Entra's answer: its message carries Entra's error_description.
function identityError(code: number, text: string): string {
  return (
    `ClientSecretCredential authentication failed: AADSTS${code}: ${text}\r\n` +
    'Trace ID: 0d0b5d4c-3a2b-4c1d-8e9f-0a1b2c3d4e5f\r\nCorrelation ID: 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d\r\n' +
    'Timestamp: 2026-11-27 03:00:00Z'
  )
}

describe('explainSignInFailure', () => {
  it.each([
    [7000215, 'Invalid client secret provided.', "use the secret's Value"],
    [
      700016,
      "Application with identifier 'x' was not found in the directory 'y'.",
      "check that 'client-id' and 'tenant-id' belong together"
    ],
    [90002, "Tenant 'y' not found.", "check 'tenant-id'"]
  ])('explains AADSTS%s with its fix and the correlation id', (code, text, fix) => {
    const message = explainSignInFailure(identityError(code, text), signIn)
    expect(message).toContain(`AADSTS${code}: ${text}`)
    expect(message).toContain(fix)
    expect(message).toContain('correlation id 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d')
    expect(message).not.toContain('Trace ID')
  })

  it('relays an AADSTS code it has no hint for', () => {
    expect(explainSignInFailure(identityError(50126, 'Error validating credentials.'), signIn)).toBe(
      'Sign-in to Microsoft Entra ID failed: AADSTS50126: Error validating credentials. (correlation id 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d)'
    )
  })

  it('tells a network failure apart from a refusal', () => {
    const message = explainSignInFailure('getaddrinfo ENOTFOUND login.microsoftonline.com', signIn)
    expect(message).toContain('Could not reach Microsoft Entra ID at https://login.microsoftonline.com')
    expect(message).toContain('HTTPS_PROXY')
  })
})

describe('explainSignInFailure for the other ways to sign in', () => {
  const idToken = [
    Buffer.from('{"alg":"RS256"}').toString('base64url'),
    Buffer.from(
      JSON.stringify({
        sub: 'repo:contoso/heart-data:ref:refs/heads/Main',
        aud: 'api://AzureADTokenExchange',
        iss: 'https://token.actions.githubusercontent.com'
      })
    ).toString('base64url'),
    'signature'
  ].join('.')
  const oidc = {
    signIn: { kind: 'oidc' as const, ...principal, audience: 'api://AzureADTokenExchange' },
    authorityHost: signIn.authorityHost,
    idToken
  }

  it.each([700213, 70021, 7002138])('AADSTS%s shows the ID token claims Entra compared', code => {
    const message = explainSignInFailure(identityError(code, 'No matching federated identity record found.'), oidc)
    expect(message).toContain("sub 'repo:contoso/heart-data:ref:refs/heads/Main'")
    expect(message).toContain("aud 'api://AzureADTokenExchange'")
    expect(message).toContain("iss 'https://token.actions.githubusercontent.com'")
    expect(message).toContain('case-sensitive')
    expect(message).not.toContain('signature')
  })

  it('AADSTS700024 points at the clock', () => {
    expect(
      explainSignInFailure(identityError(700024, 'Client assertion is not within its valid time range.'), oidc)
    ).toContain("check the runner's clock")
  })

  it('an Azure CLI that is not signed in points at azure/login', () => {
    const message = explainSignInFailure(
      "Please run 'az login' from a command prompt to authenticate before using this credential.",
      {
        signIn: { kind: 'azure-cli', tenantId: undefined },
        authorityHost: signIn.authorityHost
      }
    )
    expect(message).toContain('Sign-in with the Azure CLI login failed')
    expect(message).toContain('run azure/login in an earlier step')
  })

  it('a missing managed identity says where managed identities exist', () => {
    const message = explainSignInFailure('ManagedIdentityCredential: Network unreachable.', {
      signIn: { kind: 'managed-identity', clientId: undefined },
      authorityHost: signIn.authorityHost
    })
    expect(message).toContain('Sign-in with the system-assigned managed identity failed')
    expect(message).toContain('self-hosted runners on Azure')
  })
})

describe('jwtClaims', () => {
  it('reads the claims and survives garbage', () => {
    expect(jwtClaims(`x.${Buffer.from('{"sub":"s"}').toString('base64url')}.y`)).toEqual({ sub: 's' })
    expect(jwtClaims('not a jwt')).toEqual({})
  })
})
