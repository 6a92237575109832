import { letConnectionsProgress } from './azure/early-connection.js'
import { connectForFirstRequests } from './first-connections.js'

// The runner starts this file for main and for post alike. It and the little it imports are all that load before
// main's first connections open; the rest, the libraries with it, loads while their handshakes go on.
connectForFirstRequests()
const { runStep } = await import('./step.js')
await letConnectionsProgress()
await runStep()
// A cancelled stage may leave a request or an upload nobody waits for any more: the step ends when the action is done.
// What still holds the process gets a moment to wind down (an az past its deadline is killed 2 s after it), no more.
setTimeout(() => process.exit(), 3_000).unref()
