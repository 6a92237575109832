// Preloaded with --import by the early-connection test: records, in order, each file of dist/ the action loads and
// each TLS connection it starts, so the test can tell whether the connections opened before the libraries loaded.
import { appendFileSync } from 'node:fs'
import { registerHooks, syncBuiltinESMExports } from 'node:module'
import tls from 'node:tls'

const log = process.env.CONNECTION_ORDER_LOG
const record = line => appendFileSync(log, `${line}\n`)
registerHooks({
  load(url, context, nextLoad) {
    if (url.includes('/dist/')) record(`load ${url.replace(/^.*\/dist\//, '')}`)
    return nextLoad(url, context)
  }
})
const connect = tls.connect
tls.connect = function (...args) {
  const [options] = args
  if (options && typeof options === 'object') record(`connect ${options.host}:${options.port}`)
  return connect.apply(this, args)
}
syncBuiltinESMExports()
