import { generate } from 'selfsigned'

export interface ClientCertificate {
  /** What an app registration holds: the public certificate. */
  certificatePem: string
  privateKeyPem: string
  /**
   * Private key and certificate in one PEM text: what the action's `client-certificate` input carries, and what
   * ClientCertificateCredential takes as `{ certificate }`.
   */
  combinedPem: string
}

/** A self-signed certificate for an app to sign in with, as `az ad sp create-for-rbac --create-cert` makes one. */
export async function makeClientCertificate(): Promise<ClientCertificate> {
  const now = Date.now()
  const pems = await generate([{ name: 'commonName', value: 'heart-data-scoring' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    // A little in the past, so that clock skew never makes it "not yet valid".
    notBeforeDate: new Date(now - 60 * 60 * 1000),
    notAfterDate: new Date(now + 365 * 24 * 60 * 60 * 1000)
  })
  return { certificatePem: pems.cert, privateKeyPem: pems.private, combinedPem: `${pems.private}${pems.cert}` }
}
