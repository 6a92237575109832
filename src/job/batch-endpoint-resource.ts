import type { CloudName } from '../sign-in/clouds.js'
import { excerpt, logSafe, plainHttpsUrl } from '../untrusted-text.js'

// What Resource Manager says about a batch endpoint and its deployments, reduced to what the submission needs. Pure.

/** What a provisioningState means for a submission now. */
export type Provisioning = 'ready' | 'busy' | 'broken'

/** Creating and Updating end by themselves; Failed, Deleting and Canceled do not end in an endpoint that scores. */
export function provisioningOf(state: string | undefined): Provisioning {
  // Compared in any case, as Resource Manager's enums are; Scaling (instances being added or removed) passes.
  const known = state?.toLowerCase()
  if (known === undefined || known === 'succeeded') return 'ready'
  if (known === 'creating' || known === 'updating' || known === 'scaling') return 'busy'
  return 'broken'
}

export interface EndpointResource {
  provisioningState: string | undefined
  scoringUri: string | undefined
  defaultDeployment: string | undefined
}

export interface DeploymentResource {
  provisioningState: string | undefined
}

function parsed(bodyText: string, what: string): { properties?: Record<string, unknown> } {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    body = undefined
  }
  if (typeof body !== 'object' || body === null) {
    throw new Error(
      `Azure Resource Manager answered the read of ${what} with something that is not one: ${excerpt(bodyText, 200)}`
    )
  }
  return body as { properties?: Record<string, unknown> }
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)

/** BatchEndpoints_Get's answer: `properties.scoringUri`, `properties.defaults.deploymentName`, `provisioningState`. */
export function parseEndpoint(bodyText: string, name: string): EndpointResource {
  const properties = parsed(bodyText, `batch endpoint '${name}'`).properties ?? {}
  const defaults = properties['defaults'] as { deploymentName?: unknown } | null | undefined
  return {
    provisioningState: text(properties['provisioningState']),
    scoringUri: text(properties['scoringUri']),
    defaultDeployment: text(defaults?.deploymentName)
  }
}

export function parseDeployment(bodyText: string, name: string): DeploymentResource {
  const properties = parsed(bodyText, `deployment '${name}'`).properties ?? {}
  return { provisioningState: text(properties['provisioningState']) }
}

/** The names in a list answer (`{"value": [{"name"}...]}`), at most `max`, each made safe to show. */
export function listedNames(bodyText: string, max: number): string[] | undefined {
  let body: { value?: unknown } | null
  try {
    body = JSON.parse(bodyText) as { value?: unknown } | null
  } catch {
    // Not a list (an answer cut at its cap is not JSON either): "none" would be a guess.
    return undefined
  }
  if (!Array.isArray(body?.value)) return undefined
  const value = body.value as { name?: unknown }[]
  return value
    .map(item => item?.name)
    .filter((name): name is string => typeof name === 'string')
    .slice(0, max)
    .map(name => logSafe(name, 100))
}

// The batch inference domain of each cloud: scoring URIs are <endpoint>.<region>.inference.ml.azure.com and the
// like (azure-ai-ml's _azure_environments.py and the batch endpoint docs).
const inferenceSuffix: Record<CloudName, string> = {
  azurecloud: 'inference.ml.azure.com',
  azurechinacloud: 'inference.ml.azure.cn',
  azureusgovernment: 'inference.ml.azure.us'
}

/**
 * The scoring URI Resource Manager named, when it is https on the cloud's batch inference domain; undefined
 * otherwise. The ML token goes to this URI, and the endpoint's definition is editable by anyone who may edit the
 * workspace, so nothing else is accepted.
 */
export function trustedScoringUri(uri: string | undefined, cloud: CloudName): string | undefined {
  const url = plainHttpsUrl(uri)
  if (!url || url.search || url.hash) return undefined
  const host = url.hostname.toLowerCase()
  const suffix = `.${inferenceSuffix[cloud]}`
  if (!host.endsWith(suffix) || !/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+$/.test(host.slice(0, -suffix.length + 1))) {
    return undefined
  }
  return url.toString()
}

export function inferenceDomain(cloud: CloudName): string {
  return inferenceSuffix[cloud]
}
