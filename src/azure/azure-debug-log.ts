import { AzureLogger, setLogLevel } from '@azure/logger'
import { format } from 'node:util'

/**
 * With step debug logging on (RUNNER_DEBUG=1), the Azure SDK's own log — requests, retries, token acquisition —
 * goes to the step's debug lines. Its HTTP log redacts headers and query values it does not know to be safe, and
 * every token is masked as soon as it is issued.
 */
export function sendAzureLogToDebug(debug: (message: string) => void): void {
  setLogLevel('info')
  AzureLogger.log = (...args: unknown[]) => debug(redactCredentials(format(...args).trimEnd()))
}

/**
 * The SDK also logs whole objects (an error, a request it could not send), and util.format prints what they hold: a
 * socket's or a proxy agent's state can carry the raw text of an earlier request, Authorization header included, or
 * a pre-signed URL. Whatever has the shape of a credential is blanked before the line is shown.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(
      /\b((?:proxy-)?authorization|x-ms-authorization-auxiliary)(["']?\s*[:=]\s*["']?)[^\r\n"',}\\]+/gi,
      '$1$2REDACTED'
    )
    .replace(/\b(Bearer|SharedKey|Basic)\s+[A-Za-z0-9\-._~+/:]+=*/g, '$1 REDACTED')
    .replace(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, 'REDACTED')
    .replace(/([?&](?:sig|se|skoid|sktid)=)[^&\s"'\\]+/gi, '$1REDACTED')
}
