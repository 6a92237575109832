// Preloaded with --import by the benchmark's distance rows: sends the TLS connections for Azure's own host names
// (BENCH_HOST_MAP="login.microsoftonline.com=PORT,…") to 127.0.0.1:PORT, the latency relay, keeping the name for SNI
// and the certificate check. The action then reaches Entra as it does on a runner: MSAL has the public cloud's
// endpoints built in and asks for no metadata, which it does for any other authority host (the fake's 127.0.0.1).
import { syncBuiltinESMExports } from 'node:module'
import tls from 'node:tls'

const ports = new Map(
  (process.env.BENCH_HOST_MAP ?? '')
    .split(',')
    .filter(Boolean)
    .map(entry => {
      const [host, port] = entry.split('=')
      return [host, Number(port)]
    })
)
const connect = tls.connect
tls.connect = function (...args) {
  const [options] = args
  const port = options && typeof options === 'object' ? ports.get(options.host) : undefined
  if (port !== undefined && Number(options.port ?? 443) === 443) {
    args[0] = { ...options, host: '127.0.0.1', port, servername: options.servername || options.host }
  }
  return connect.apply(this, args)
}
// `import { connect } from 'node:tls'` sees the replacement too.
syncBuiltinESMExports()
