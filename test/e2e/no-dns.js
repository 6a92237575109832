// Loaded with `node --import` before the action: every host name lookup fails, as on a machine that resolves nothing,
// and writes `no-dns: <name>` to stderr. A run that succeeds under it reached only IP addresses (127.0.0.1), and its
// proxy resolved every host name on its behalf.
import dns from 'node:dns'

function refuse(hostname) {
  process.stderr.write(`no-dns: ${hostname}\n`)
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname
  })
}

dns.lookup = (hostname, options, callback) => {
  const done = typeof options === 'function' ? options : callback
  process.nextTick(done, refuse(hostname))
}
dns.promises.lookup = async hostname => {
  throw refuse(hostname)
}
