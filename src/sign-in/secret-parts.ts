import { pemBlocks } from './certificate-pem.js'

/**
 * What of a secret input must be masked. The runner matches masks within one line, so a value is masked whole and
 * line by line, whatever its line ends (CRLF, CR alone); a PEM body also by its whitespace-separated pieces, in
 * 64-character lines (how it is written once rebuilt) and joined, however the text was laid out. PEM marker lines
 * are not secret and too common to mask; pieces shorter than 4 characters would mask ordinary words.
 */
export function secretParts(value: string): string[] {
  const parts = new Set<string>()
  const add = (part: string) => {
    const trimmed = part.trim()
    if (trimmed.length >= 4 && !/^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(trimmed)) parts.add(trimmed)
  }
  add(value)
  for (const line of value.split(/\r\n|\r|\n|\u2028|\u2029/)) add(line)
  for (const block of pemBlocks(value)) {
    add(block.base64)
    for (const piece of block.written.split(/\s+/)) add(piece)
    for (const line of block.base64.match(/.{1,64}/g) ?? []) add(line)
  }
  return [...parts]
}
