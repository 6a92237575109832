import { InputError } from '../../src/input-formats.js'
import { readClientCertificate } from '../../src/sign-in/certificate-pem.js'
import { secretParts } from '../../src/sign-in/secret-parts.js'
import { makeClientCertificate, type ClientCertificate } from '../../test/fake-azure/client-certificate.js'

let certificate: ClientCertificate
beforeAll(async () => {
  certificate = await makeClientCertificate()
})

// The layouts a PEM takes once pasted into a secret and passed through YAML.
const layouts: [string, (pem: string) => string][] = [
  ['LF', pem => pem],
  ['CRLF', pem => pem.replace(/\r?\n/g, '\r\n')],
  ['CR only', pem => pem.replace(/\r?\n/g, '\r')],
  ['one line, spaces', pem => pem.replace(/\r?\n/g, ' ')],
  ['one line, nothing between', pem => pem.replace(/\r?\n/g, '')],
  ['indented', pem => pem.replace(/^/gm, '    ')]
]

function bodyLines(pem: string): string[] {
  return pem.split('\n').filter(line => line !== '' && !line.startsWith('-----'))
}

describe('readClientCertificate', () => {
  it.each(layouts)('reads a PEM laid out as %s', (_, layout) => {
    const read = readClientCertificate(layout(certificate.combinedPem))
    expect(read.trim()).toBe(certificate.combinedPem.replace(/\r\n/g, '\n').trim())
  })

  it('says a key that does not parse cannot be read', () => {
    const broken = certificate.combinedPem.replace(/(PRIVATE KEY-----\r?\n)(.{10})/, '$1AAAAAAAAAA')
    expect(() => readClientCertificate(broken)).toThrow(InputError)
    expect(() => readClientCertificate(broken)).toThrow(
      "Input 'client-certificate' holds a private key that cannot be read"
    )
  })

  it('says a certificate that does not parse cannot be read', () => {
    const broken = `${certificate.privateKeyPem}-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n`
    expect(() => readClientCertificate(broken)).toThrow(
      "Input 'client-certificate' holds a certificate that cannot be read"
    )
  })

  it('names the block that is missing', () => {
    expect(() => readClientCertificate(certificate.privateKeyPem)).toThrow('it has no CERTIFICATE block')
    expect(() => readClientCertificate(certificate.certificatePem)).toThrow('it has no PRIVATE KEY block')
  })

  it('refuses an encrypted key', () => {
    const encrypted = certificate.combinedPem.replace(/PRIVATE KEY/g, 'ENCRYPTED PRIVATE KEY')
    expect(() => readClientCertificate(encrypted)).toThrow('holds an encrypted private key')
  })
})

describe('secretParts', () => {
  it.each(layouts)('masks a PEM laid out as %s whole, by line and by every line of its body', (_, layout) => {
    const value = layout(certificate.combinedPem)
    const parts = secretParts(value)
    expect(parts).toContain(value.trim())
    for (const line of bodyLines(certificate.combinedPem.replace(/\r/g, ''))) expect(parts).toContain(line)
    for (const line of value.split(/\r\n|\r|\n/).filter(l => l.trim().length >= 4 && !/^\s*-----/.test(l))) {
      expect(parts).toContain(line.trim())
    }
  })

  it('leaves out the markers and short pieces', () => {
    const parts = secretParts(certificate.combinedPem)
    expect(parts.some(part => /^-----(BEGIN|END) /.test(part) && part.length < 40)).toBe(false)
    expect(secretParts('abc')).toEqual([])
  })

  it('masks a secret with CR-only line ends line by line', () => {
    expect(secretParts('first-line\rsecond-line')).toEqual(
      expect.arrayContaining(['first-line\rsecond-line', 'first-line', 'second-line'])
    )
  })
})
