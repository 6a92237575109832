/**
 * Why a blob request failed, in one line, and the HTTP status it carried: a 401 or 403 lets the caller try the
 * datastore's own credentials.
 */
export function blobFailure(cause: unknown): { statusCode: number | undefined; reason: string } {
  const statusCode = (cause as { statusCode?: number }).statusCode
  const code = (cause as { code?: string }).code
  const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
  return { statusCode, reason: `${statusCode ? `HTTP ${statusCode} ` : ''}${code ? `${code}: ` : ''}${why}` }
}
