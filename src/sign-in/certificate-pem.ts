import { createPrivateKey, X509Certificate } from 'node:crypto'
import { InputError } from '../input-formats.js'

// PEM text as it arrives through a secret: its line breaks may be CRLF, CR alone, spaces, or gone (one line).
// The blocks are found by their markers and rebuilt with the line breaks PEM readers expect.

export interface PemBlock {
  label: string
  /** The block's body without any whitespace. */
  base64: string
  /** The body as it was written, line breaks and all. */
  written: string
}

export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)].map(match => ({
    label: match[1] ?? '',
    base64: (match[2] ?? '').replace(/\s+/g, ''),
    written: match[2] ?? ''
  }))
}

/** The block as PEM readers take it: 64 characters a line, LF line ends. */
export function pemText(block: PemBlock): string {
  const lines = block.base64.match(/.{1,64}/g) ?? []
  return [`-----BEGIN ${block.label}-----`, ...lines, `-----END ${block.label}-----`].join('\n')
}

/**
 * `client-certificate` checked and in the layout @azure/identity reads: a private key and a certificate that parse.
 * Checked before any request, so a key that cannot be read is reported as such rather than as a failed sign-in.
 */
export function readClientCertificate(text: string): string {
  const blocks = pemBlocks(text)
  const key = blocks.find(b => /PRIVATE KEY$/.test(b.label))
  const certificate = blocks.find(b => b.label === 'CERTIFICATE')
  if (!key || !certificate) {
    throw new InputError(
      "Input 'client-certificate' must be PEM text holding the certificate and its private key " +
        `(-----BEGIN PRIVATE KEY----- ...); it has no ${key ? 'CERTIFICATE' : 'PRIVATE KEY'} block.`
    )
  }
  if (key.label === 'ENCRYPTED PRIVATE KEY') {
    throw new InputError(
      "Input 'client-certificate' holds an encrypted private key; give it unencrypted " +
        '(openssl pkcs8 -topk8 -nocrypt -in key.pem), kept in a secret.'
    )
  }
  const unreadable = (what: string, error: unknown) =>
    new InputError(
      `Input 'client-certificate' holds ${what} that cannot be read (${error instanceof Error ? error.message : String(error)}). ` +
        'Give the PEM text as exported (openssl pkcs12 -in cert.pfx -nodes), in one secret.'
    )
  try {
    createPrivateKey(pemText(key))
  } catch (error) {
    throw unreadable('a private key', error)
  }
  try {
    new X509Certificate(pemText(certificate))
  } catch (error) {
    throw unreadable('a certificate', error)
  }
  return `${blocks.map(pemText).join('\n')}\n`
}
