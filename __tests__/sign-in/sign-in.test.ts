import { InputError } from '../../src/input-formats.js'
import { resolveSignIn, type SignInInputs } from '../../src/sign-in/sign-in.js'

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const clientId = '0f3e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6'
const pem =
  '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----'
const none: SignInInputs = {
  authType: '',
  tenantId: '',
  clientId: '',
  clientSecret: '',
  clientCertificate: '',
  audience: '',
  creds: ''
}

function resolve(inputs: Partial<SignInInputs>, oidcAvailable = false) {
  const warnings: string[] = []
  const env = { oidcAvailable, defaultAudience: 'api://AzureADTokenExchange', warn: (m: string) => warnings.push(m) }
  return { ...resolveSignIn({ ...none, ...inputs }, env), warnings }
}

function refusal(inputs: Partial<SignInInputs>, oidcAvailable = false): string {
  try {
    resolve(inputs, oidcAvailable)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('auth-type: auto', () => {
  it('picks a client secret first', () => {
    expect(resolve({ tenantId, clientId, clientSecret: 's' }, true).signIn).toEqual({
      kind: 'client-secret',
      tenantId,
      clientId,
      clientSecret: 's'
    })
  })

  it('then a certificate', () => {
    expect(resolve({ tenantId, clientId, clientCertificate: pem }, true).signIn).toEqual({
      kind: 'client-certificate',
      tenantId,
      clientId,
      certificatePem: pem
    })
  })

  it('then OpenID Connect when the job may request an ID token', () => {
    expect(resolve({ tenantId, clientId }, true).signIn).toEqual({
      kind: 'oidc',
      tenantId,
      clientId,
      audience: 'api://AzureADTokenExchange'
    })
    expect(resolve({ tenantId, clientId, audience: 'api://custom' }, true).signIn).toMatchObject({
      audience: 'api://custom'
    })
  })

  it('with nothing to sign in with, lists the ways', () => {
    const message = refusal({})
    expect(message).toContain('No way to sign in was given')
    expect(message).toContain('client-certificate')
    expect(message).toContain('auth-type: managed-identity')
    expect(message).toContain('auth-type: azure-cli')
  })

  it('with only tenant and client ids but no id-token permission, says what OIDC needs', () => {
    expect(refusal({ tenantId, clientId })).toContain("needs 'permissions: id-token: write'")
  })
})

describe('explicit auth types', () => {
  it('oidc without id-token permission shows the permissions block', () => {
    expect(refusal({ authType: 'oidc', tenantId, clientId })).toContain('permissions:\n  id-token: write')
  })

  it('oidc needs tenant and client ids', () => {
    expect(refusal({ authType: 'oidc', clientId }, true)).toBe(
      "Signing in with auth-type: oidc needs input 'tenant-id'."
    )
  })

  it('managed-identity: system-assigned, or user-assigned by client id', () => {
    expect(resolve({ authType: 'managed-identity' }).signIn).toEqual({ kind: 'managed-identity', clientId: undefined })
    expect(resolve({ authType: 'managed-identity', clientId }).signIn).toEqual({ kind: 'managed-identity', clientId })
  })

  it('azure-cli, with an optional tenant', () => {
    expect(resolve({ authType: 'azure-cli' }).signIn).toEqual({ kind: 'azure-cli', tenantId: undefined })
    expect(resolve({ authType: 'azure-cli', tenantId }).signIn).toEqual({ kind: 'azure-cli', tenantId })
  })

  it('warns about a secret that an explicit way does not use', () => {
    const { warnings } = resolve({ authType: 'managed-identity', clientSecret: 's' })
    expect(warnings).toEqual(["'client-secret' ignored: auth-type: managed-identity signs in without it."])
  })

  it('service-principal needs a secret or a certificate', () => {
    expect(refusal({ authType: 'service-principal', tenantId, clientId })).toContain(
      "needs 'client-secret' or 'client-certificate'"
    )
  })

  it('an unknown auth-type lists the allowed ones', () => {
    expect(refusal({ authType: 'password' })).toBe(
      "Input 'auth-type' must be one of auto, service-principal, oidc, managed-identity, azure-cli, got 'password'."
    )
  })
})

describe('conflicts and creds', () => {
  it('a secret and a certificate together are an error, not a choice', () => {
    expect(refusal({ tenantId, clientId, clientSecret: 's', clientCertificate: pem })).toContain(
      "Inputs 'client-secret' and 'client-certificate' are both given"
    )
  })

  it('a certificate without its private key is refused', () => {
    expect(
      refusal({ tenantId, clientId, clientCertificate: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----' })
    ).toContain("Input 'client-certificate' must be PEM text holding the certificate and its private key")
  })

  it('reads Azure/login creds, authority host included', () => {
    const creds = JSON.stringify({
      clientId,
      clientSecret: 'from-creds',
      tenantId,
      subscriptionId: 'ignored',
      activeDirectoryEndpointUrl: 'https://login.microsoftonline.us/'
    })
    const resolved = resolve({ creds })
    expect(resolved.signIn).toEqual({ kind: 'client-secret', tenantId, clientId, clientSecret: 'from-creds' })
    expect(resolved.authorityHost).toBe('https://login.microsoftonline.us')
  })

  it('the individual inputs are used instead of creds, with a warning naming them', () => {
    const creds = JSON.stringify({ clientId: '11111111-2222-4333-8444-555555555555', clientSecret: 'c', tenantId })
    const resolved = resolve({ creds, tenantId, clientId, clientSecret: 'individual' })
    expect(resolved.signIn).toMatchObject({ clientId, clientSecret: 'individual' })
    expect(resolved.warnings).toEqual([
      "'creds' was ignored as a whole: 'tenant-id' and 'client-id' and 'client-secret' are given, and any of " +
        'tenant-id, client-id and client-secret makes the action take nothing from creds.'
    ])
    // With an ID token to hand, tenant-id and client-id sign in with OpenID Connect.
    expect(resolve({ creds, tenantId, clientId }, true).warnings).toEqual([
      "'creds' was ignored as a whole: 'tenant-id' and 'client-id' are given, and any of tenant-id, client-id and " +
        'client-secret makes the action take nothing from creds.'
    ])
  })

  it.each([
    ['tenant-id', { tenantId }],
    ['client-id', { clientId }],
    ['client-secret', { clientSecret: 'individual' }]
  ])('%s alone makes creds unused as a whole: nothing of it fills the other inputs', (_name, given) => {
    const creds = JSON.stringify({ clientId, clientSecret: 'from-creds', tenantId })
    // With creds taken, this would sign in with its secret; unused, what is given alone cannot sign in.
    expect(() => resolve({ creds, ...given }, true)).toThrow(InputError)
    expect(resolve({ creds }).signIn).toMatchObject({ kind: 'client-secret', clientSecret: 'from-creds' })
  })

  it('unused creds give no authority host either', () => {
    const creds = JSON.stringify({ activeDirectoryEndpointUrl: 'https://login.microsoftonline.us/' })
    const resolved = resolve({ creds, tenantId, clientId, clientSecret: 'individual' })
    expect(resolved.authorityHost).toBeUndefined()
    expect(resolved.warnings).toHaveLength(1)
  })

  it('malformed creds name the input without echoing it', () => {
    const message = refusal({ creds: '{"clientSecret": "oops-secret"' })
    expect(message).toContain("Input 'creds' must be JSON")
    expect(message).not.toContain('oops-secret')
  })
})

describe('creds with a field of the wrong type', () => {
  it.each([
    ['clientSecret', 12345, 'a number'],
    ['clientId', true, 'a boolean'],
    ['tenantId', ['t'], 'an array'],
    ['activeDirectoryEndpointUrl', { url: 'x' }, 'a object']
  ])('names %s', (field, value, kind) => {
    const creds = JSON.stringify({ clientId, clientSecret: 's3cr3t-value', tenantId, [field]: value })
    const message = refusal({ creds })
    expect(message).toContain(`Input 'creds': field '${field}' must be text`)
    expect(message).toContain(`got ${kind}`)
    expect(message).not.toContain('12345')
    expect(message).not.toContain('s3cr3t-value')
  })
})
