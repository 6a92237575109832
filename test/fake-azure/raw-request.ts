import { request as httpsRequest } from 'node:https'

// A bare HTTPS request for the fake's own tests, which check what the fake answers without any client library.

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One request over its own connection, so that a reset on one cannot disturb the next. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const request = httpsRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      response => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      }
    )
    request.on('error', reject)
    request.end(options.body)
  })
}
