import type { X509Certificate } from 'node:crypto'
import type { EntraProblem } from './entra-errors.js'

// The errors Microsoft Entra answers a client assertion with (a certificate's, or an ID token from a federated
// identity provider such as GitHub), worded as Entra words them in the answers users quote in Azure/login issues.

const certificateDocs =
  'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .'
const federationDocs = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'

const invalidClient = (code: number, message: string): EntraProblem => ({
  status: 401,
  error: 'invalid_client',
  code,
  message
})

export const malformedAssertion = (): EntraProblem => ({
  status: 400,
  error: 'invalid_request',
  code: 50027,
  message: 'JWT token is invalid or malformed.'
})

/** Entra writes times here as .NET does, with seven fractional digits. */
export const assertionOutsideValidTime = (now: number, notBefore: number, expires: number): EntraProblem =>
  invalidClient(
    700024,
    `Client assertion is not within its valid time range. Current time: ${dotNetTime(now)}, assertion valid from ` +
      `${dotNetTime(notBefore * 1000)}, expiry time of assertion ${dotNetTime(expires * 1000)}. ${certificateDocs}`
  )

// A federated credential is found by issuer, then audience, then subject; each miss has its own code.

export const noFederatedIssuer = (issuer: string): EntraProblem =>
  invalidClient(
    700211,
    `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your ` +
      `federated identity credential Subject, Audience and Issuer against the presented assertion. ${federationDocs}`
  )

export const noFederatedAudience = (audience: string): EntraProblem =>
  invalidClient(
    700212,
    `No matching federated identity record found for presented assertion audience '${audience}'. Please check your ` +
      `federated identity credential Subject, Audience and Issuer against the presented assertion. ${federationDocs}`
  )

export const noFederatedSubject = (subject: string): EntraProblem =>
  invalidClient(
    700213,
    `No matching federated identity record found for presented assertion subject '${subject}'. Check your federated ` +
      `identity credential Subject, Audience and Issuer against the presented assertion. ${federationDocs}`
  )

/** Since August 2024 subjects are compared case-sensitively; Entra says so when only the case differs. */
export const federatedSubjectCaseMismatch = (subject: string): EntraProblem =>
  invalidClient(
    7002138,
    `No matching federated identity record found for presented assertion subject '${subject}'. The subject matches ` +
      'with case-insensitive comparison, but not with case-sensitive comparison. Check your federated identity ' +
      `credential Subject, Audience and Issuer against the presented assertion. See documentation at: ` +
      `${federationDocs}. See breaking change notification and remediation at: ` +
      'https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024.'
  )

export const federatedKeyNotFound = (kid: string, issuer: string): EntraProblem =>
  invalidClient(
    7000272,
    `The certificate with identifier ${kid} used to sign the federated credential could not be found in the metadata ` +
      `of identity provider ${issuer}. Please validate that your Identity Provider's metadata exposes the key used ` +
      'to sign the incoming token.'
  )

export const federatedSignatureInvalid = (kid: string): EntraProblem =>
  invalidClient(
    50013,
    'Assertion failed signature validation. [Reason - Key was found, but use of the key to verify the signature ' +
      `failed., Thumbprint of key used by client: '${kid}']`
  )

export const assertionClientMismatch = (): EntraProblem =>
  invalidClient(
    700021,
    `Client assertion application identifier doesn't match 'client_id' parameter. ${certificateDocs}`
  )

export const assertionAudienceInvalid = (): EntraProblem =>
  invalidClient(700023, `Client assertion audience claim does not match Realm issuer. ${certificateDocs}`)

export const certificateNotRegistered = (thumbprint: string, clientId: string): EntraProblem =>
  invalidClient(
    700027,
    'The certificate with identifier used to sign the client assertion is not registered on application. ' +
      `[Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', ${keysHint(clientId)}]`
  )

export const certificateExpired = (thumbprint: string, found: X509Certificate, clientId: string): EntraProblem =>
  invalidClient(
    700027,
    'The certificate with identifier used to sign the client assertion is expired on application. [Reason - The ' +
      `key used is expired., Thumbprint of key used by client: '${thumbprint}', ${foundKey(found)}, ` +
      `${keysHint(clientId)}]`
  )

export const certificateSignatureInvalid = (thumbprint: string, found: X509Certificate, clientId: string) =>
  invalidClient(
    700027,
    'Client assertion contains an invalid signature. [Reason - Key was found, but use of the key to verify the ' +
      `signature failed., Thumbprint of key used by client: '${thumbprint}', ${foundKey(found)}, ${keysHint(clientId)}]`
  )

const foundKey = (certificate: X509Certificate): string =>
  `Found key 'Start=${usDate(certificate.validFromDate)}, End=${usDate(certificate.validToDate)}'`

const keysHint = (clientId: string): string =>
  'Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id ' +
  `'${clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the ` +
  'corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0' +
  `&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${clientId}'`

function dotNetTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '0000Z')
}

// 01/23/2024 13:33:28: the invariant culture's date, in UTC.
function usDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return (
    `${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`
  )
}
