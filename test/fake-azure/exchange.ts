// The shapes every part of the fake shares: a recorded request, a reply, a route.

// Faults are scripted per route name, and tests filter recorded requests by it. To add a route, name it here and
// list it in the routes of the service that answers it.
export type RouteName =
  | 'instanceDiscovery'
  | 'metadata'
  | 'token'
  | 'submit'
  | 'armGetJob'
  | 'armListJobs'
  | 'armCancelJob'
  | 'armOperationResult'
  | 'armGetData'
  | 'armGetDataVersion'
  | 'armGetDatastore'
  | 'armListDatastoreSecrets'
  | 'armGetWorkspace'
  | 'armGetBatchEndpoint'
  | 'armListBatchEndpoints'
  | 'armGetDeployment'
  | 'armListDeployments'
  | 'discovery'
  | 'runDetails'
  | 'runChildren'
  | 'githubIdToken'
  | 'githubCompare'
  | 'imdsToken'
  | 'azCliToken'
  | 'unknown'

/** One request as the fake received it, kept so that tests can assert on what a client sent. */
export interface RecordedRequest {
  route: RouteName
  method: string
  /** The request target as sent, query string included. */
  path: string
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>
  body: string
  /** Date.now() once the whole body had arrived. */
  time: number
  /** Set when the client closed the connection before the whole answer was sent (or, for a hang, any answer). */
  closedEarly?: boolean
}

export interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

export interface Route {
  name: Exclude<RouteName, 'unknown'>
  method: string
  /** Matched against the path without its query; named groups become `params`. */
  path: RegExp
  handle(request: RecordedRequest, params: Record<string, string>): Reply | Promise<Reply>
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body)
  }
}

/** The origin the client addressed, so that URLs the fake hands out match it (MSAL checks the issuer's host). */
export function originOf(request: RecordedRequest): string {
  return `https://${request.headers['host'] ?? '127.0.0.1'}`
}
