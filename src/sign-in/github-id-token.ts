import { createHttpHeaders, createPipelineFromOptions, createPipelineRequest } from '@azure/core-rest-pipeline'
import { userAgent } from '../azure/azure-pipeline.js'
import { excerpt } from '../untrusted-text.js'
import { tokenHttpClient } from './token-deadline.js'
import { githubIdTokenService } from './token-services.js'

/**
 * Asks GitHub's OIDC token service for an ID token with `audience`, as core.getIDToken does, but through a client
 * whose requests end with the token fetch's deadline: core.getIDToken has no timeout at all.
 */
export async function requestGitHubIdToken(audience: string, env = process.env): Promise<string> {
  const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL']
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  if (!requestUrl || !requestToken) {
    throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set.')
  }
  const pipeline = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: userAgent } })
  const response = await pipeline.sendRequest(
    tokenHttpClient(() => githubIdTokenService),
    createPipelineRequest({
      url: `${requestUrl}&audience=${encodeURIComponent(audience)}`,
      method: 'GET',
      headers: createHttpHeaders({ authorization: `Bearer ${requestToken}`, accept: 'application/json' })
    })
  )
  const text = response.bodyAsText ?? ''
  if (response.status !== 200)
    throw new Error(`GitHub's ID-token service answered HTTP ${response.status}: ${excerpt(text)}`)
  let value: unknown
  try {
    value = (JSON.parse(text) as { value?: unknown }).value
  } catch {
    value = undefined
  }
  if (typeof value !== 'string' || value === '') {
    throw new Error(`GitHub's ID-token service answered without an ID token: ${excerpt(text)}`)
  }
  return value
}
