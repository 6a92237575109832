import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A checkout as actions/checkout would leave it, in a new folder: each file with its text, or with as many bytes as
 * a number says.
 */
export function writeCheckout(files: Record<string, string | number>, prefix = 'checkout-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix))
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), typeof content === 'number' ? Buffer.alloc(content, 0x61) : content)
  }
  return root
}
