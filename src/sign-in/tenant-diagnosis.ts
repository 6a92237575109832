import { createPipelineFromOptions, createPipelineRequest } from '@azure/core-rest-pipeline'
import { cappedHttpClient } from '../azure/capped-http-client.js'
import { userAgent } from '../azure/azure-pipeline.js'

/**
 * MSAL reports a tenant it cannot resolve only as "endpoints_resolution_error", dropping Entra's answer. Asking for
 * the tenant's OpenID metadata once more recovers what Entra said (AADSTS90002 "tenant not found", say), or the
 * network error that kept it from answering. Only called after sign-in already failed.
 */
export async function diagnoseTenant(authorityHost: string, tenantId: string): Promise<string | undefined> {
  const pipeline = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: userAgent } })
  const url = `${authorityHost}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`
  try {
    const response = await pipeline.sendRequest(
      cappedHttpClient(),
      createPipelineRequest({ url, method: 'GET', timeout: 10_000 })
    )
    if (response.status === 200) return undefined
    const body = JSON.parse(response.bodyAsText ?? '{}') as { error_description?: unknown }
    return typeof body.error_description === 'string' ? body.error_description : undefined
  } catch (error) {
    return error instanceof Error ? `${error.message} (${url})` : undefined
  }
}
