import type * as Undici from 'undici/index.js'

// In the bundle, `undici` means this module (tsconfig.json "paths"). @actions/core imports @actions/http-client, which
// imports undici at its top for a proxy helper that core never calls; evaluating undici cost every run about a fifth
// of its start-up and put 0.9 MB into the entry file. The one user, @actions/github on the changed-files path, gets
// the real undici from a chunk of its own, loaded by loadUndici() before @actions/github is.

let undici: typeof Undici | undefined

export async function loadUndici(): Promise<void> {
  undici ??= await import('undici/index.js')
}

function loaded(): typeof Undici {
  if (!undici) throw new Error('undici is used before loadUndici() loaded it')
  return undici
}

export const fetch: typeof Undici.fetch = async (...args) => {
  await loadUndici()
  return loaded().fetch(...args)
}

// @actions/http-client constructs it synchronously, so it can hand out the real one only once it is loaded. `new` on
// a function that returns an object yields that object.
export const ProxyAgent = function ProxyAgent(...args: ConstructorParameters<typeof Undici.ProxyAgent>) {
  return new (loaded().ProxyAgent)(...args)
} as unknown as typeof Undici.ProxyAgent
