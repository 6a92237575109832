import { AzureLogger, setLogLevel } from '@azure/logger'
import { format } from 'node:util'

/**
 * With step debug logging on (RUNNER_DEBUG=1), the Azure SDK's own log — requests, retries, token acquisition —
 * goes to the step's debug lines. Its HTTP log redacts headers and query values it does not know to be safe, and
 * every token is masked as soon as it is issued.
 */
export function sendAzureLogToDebug(debug: (message: string) => void): void {
  setLogLevel('info')
  AzureLogger.log = (...args: unknown[]) => debug(format(...args).trimEnd())
}
