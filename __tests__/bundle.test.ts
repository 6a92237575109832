// What the build puts where. Every run loads dist/index.js; what only some paths need must stay out of it, and what
// loads after the first connections open (the libraries) too.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../test/e2e/run-action.js'

const dist = join(repoRoot, 'dist')
const files = readdirSync(dist).filter(name => name.endsWith('.js'))
const read = (name: string) => readFileSync(join(dist, name), 'utf8')
// Diagnostics channel names that only undici's own client code registers.
const undiciClient = 'undici:client:beforeConnect'

describe('dist/', () => {
  it('keeps undici out of the entry file, in a chunk of its own', () => {
    expect(read('index.js')).not.toContain(undiciClient)
    expect(files.filter(name => read(name).includes(undiciClient))).toHaveLength(1)
  })

  it('keeps MSAL, the Azure SDK and @actions/core out of the entry file: they load after the first connections open', () => {
    const entry = read('index.js')
    for (const library of ['acquireTokenByClientCredential', 'bearerTokenAuthenticationPolicy', 'add-mask']) {
      expect(entry).not.toContain(library)
      expect(files.some(name => read(name).includes(library))).toBe(true)
    }
  })

  it('keeps the storage SDK out of the entry file', () => {
    const storage = 'BlockBlobClient'
    expect(read('index.js')).not.toContain(storage)
    expect(files.some(name => read(name).includes(storage))).toBe(true)
  })
})
