import * as core from '@actions/core'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import type { Settings } from '../settings.js'
import { logSafe } from '../untrusted-text.js'
import { untilAborted } from '../workflow-cancellation.js'
import { resolveEndpoint, type ResolvedEndpoint } from './endpoint-by-name.js'

/**
 * endpoint-name: the endpoint and the deployment the job goes to, read and checked in a log group of their own; the
 * settings then carry its scoring URI as endpoint-uri would. Settings without endpoint-name come back as they are.
 */
export async function endpointStep(settings: Settings, arm: SendAzureRequest, signal: AbortSignal): Promise<Settings> {
  if (!settings.endpointName) return settings
  const endpoint = await core.group('Read the batch endpoint', async () => {
    const resolved = await readNamedEndpoint(settings, arm, signal)
    core.info(logSafe(describeEndpoint(settings, resolved)))
    return resolved
  })
  return { ...settings, scoringUri: endpoint.scoringUri }
}

/** The endpoint endpoint-name names in workspace, checked as resolveEndpoint checks it (GETs only). */
export function readNamedEndpoint(
  settings: Settings,
  arm: SendAzureRequest,
  signal: AbortSignal
): Promise<ResolvedEndpoint> {
  const endpoint = {
    resourceManager: settings.resourceManager,
    workspace: settings.workspace ?? '',
    name: settings.endpointName ?? '',
    deploymentName: settings.deploymentName,
    cloud: settings.cloud.name
  }
  return untilAborted(
    resolveEndpoint(arm, endpoint, message => core.info(logSafe(message)), signal),
    signal
  )
}

export function describeEndpoint(settings: Settings, endpoint: ResolvedEndpoint): string {
  return (
    `Batch endpoint ${settings.endpointName}: scoring URI ${endpoint.scoringUri}, deployment ${endpoint.deployment}` +
    `${settings.deploymentName ? '' : ' (its default)'}`
  )
}
