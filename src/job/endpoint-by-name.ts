import { setTimeout as sleep } from 'node:timers/promises'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { describeAnswer } from '../azure/service-errors.js'
import { formatDuration } from '../duration.js'
import type { CloudName } from '../sign-in/clouds.js'
import { logSafe } from '../untrusted-text.js'
import {
  inferenceDomain,
  listedNames,
  parseDeployment,
  parseEndpoint,
  provisioningOf,
  trustedScoringUri
} from './batch-endpoint-resource.js'

// endpoint-name: the batch endpoint read through Resource Manager, and the deployment the job would go to checked,
// before anything is submitted. The SDK reads BatchEndpoints_Get at 2023-10-01; the stable 2025-12-01 spec has it too
// (examples/Workspace/BatchEndpoint/get.json: scoringUri, defaults.deploymentName), as it has BatchDeployments_Get.
// The action asks at 2025-12-01, the version it reads jobs, data assets and datastores at: one version for every
// Resource Manager request.
export const endpointsApiVersion = '2025-12-01'

/** How long an endpoint or deployment still Creating or Updating is waited for, and how often it is read meanwhile. */
export interface ProvisioningBounds {
  maxWaitMs: number
  /** The first pause; each next one doubles, up to maxPollMs. */
  firstPollMs: number
  maxPollMs: number
}

export const provisioningBounds: ProvisioningBounds = { maxWaitMs: 10 * 60_000, firstPollMs: 2_000, maxPollMs: 15_000 }

// Enough names to spot a typo in; the list is one request.
const namesShown = 10

export interface EndpointByName {
  resourceManager: string
  workspace: string
  name: string
  deploymentName: string | undefined
  cloud: CloudName
}

export interface ResolvedEndpoint {
  scoringUri: string
  /** The deployment the job goes to: deployment-name, or the endpoint's default. */
  deployment: string
}

/**
 * The endpoint's scoring URI and the deployment a job would go to, once both can take one: an endpoint or a
 * deployment being created or updated is waited for (a line each read), within `bounds.maxWaitMs`. Every mistake
 * a submission would only show after creating a job (no such endpoint or deployment, no default deployment, a
 * failed one) is an error here. Only GETs: a dry run takes the same path.
 */
export async function resolveEndpoint(
  arm: SendAzureRequest,
  endpoint: EndpointByName,
  log: (message: string) => void,
  signal?: AbortSignal,
  bounds: ProvisioningBounds = provisioningBounds
): Promise<ResolvedEndpoint> {
  const { resourceManager, workspace, name, cloud } = endpoint
  // One bound for the endpoint and its deployment together: the step waits at most maxWaitMs before submitting.
  const started = Date.now()
  const endpointUrl = `${resourceManager}${workspace}/batchEndpoints/${encodeURIComponent(name)}`
  const shownName = logSafe(name, 100)
  const read = (url: string, what: string, action: string, notFound: () => Promise<string>) =>
    readWhenProvisioned({ arm, url, what, action, notFound, log, signal, bounds, started })

  const found = parseEndpoint(
    await read(endpointUrl, `batch endpoint '${shownName}'`, 'batchEndpoints/read', async () => {
      const names = await namesIn(arm, `${resourceManager}${workspace}/batchEndpoints`, signal)
      return (
        `Batch endpoint '${shownName}' was not found in workspace ${logSafe(workspace)}. ${names("The workspace's batch endpoints")} ` +
        "Check 'endpoint-name' (az ml batch-endpoint list) and 'workspace'."
      )
    }),
    name
  )
  const scoringUri = trustedScoringUri(found.scoringUri, cloud)
  if (!scoringUri) {
    throw new Error(
      `Batch endpoint '${shownName}' names the scoring URI '${logSafe(found.scoringUri ?? '', 300)}', which is not an ` +
        `https address on ${inferenceDomain(cloud)}; nothing was sent to it. Check the endpoint in Azure ML studio.`
    )
  }
  if (endpoint.deploymentName) {
    const deployment = logSafe(endpoint.deploymentName, 100)
    const deploymentUrl = `${endpointUrl}/deployments/${encodeURIComponent(endpoint.deploymentName)}`
    parseDeployment(
      await read(deploymentUrl, `deployment '${deployment}'`, 'batchEndpoints/deployments/read', async () => {
        const names = await namesIn(arm, `${endpointUrl}/deployments`, signal)
        return (
          `Deployment '${deployment}' was not found in batch endpoint '${shownName}'. ${names("The endpoint's deployments")} ` +
          "Check 'deployment-name'."
        )
      }),
      endpoint.deploymentName
    )
    return { scoringUri, deployment: endpoint.deploymentName }
  }
  if (!found.defaultDeployment) {
    throw new Error(
      `Batch endpoint '${shownName}' has no default deployment: name one with deployment-name, or make one the ` +
        `default (az ml batch-endpoint update --name ${shownName} --set defaults.deployment_name=<deployment>). ` +
        'Nothing was submitted.'
    )
  }
  return { scoringUri, deployment: found.defaultDeployment }
}

interface ProvisionedRead {
  arm: SendAzureRequest
  url: string
  /** "batch endpoint 'x'", for the messages. */
  what: string
  /** The operation a 403 lacks, below Microsoft.MachineLearningServices/workspaces/. */
  action: string
  notFound(): Promise<string>
  log(message: string): void
  signal: AbortSignal | undefined
  bounds: ProvisioningBounds
  /** When the resolution began: the bound counts from there. */
  started: number
}

/** The resource's answer once its provisioningState lets it take jobs. */
async function readWhenProvisioned(r: ProvisionedRead): Promise<string> {
  for (let read = 0; ; read++) {
    const answer = await r.arm({
      method: 'GET',
      url: `${r.url}?api-version=${endpointsApiVersion}`,
      timeoutMs: 30_000,
      signal: r.signal
    })
    if (answer.status === 404) throw new Error(await r.notFound())
    if (answer.status === 403) {
      throw new Error(
        `Could not read ${r.what}: ${describeAnswer(answer)}. The signed-in identity needs ` +
          `Microsoft.MachineLearningServices/workspaces/${r.action} on the workspace, which the role ` +
          '"AzureML Data Scientist" has (az role assignment create --assignee <client-id> --role "AzureML Data ' +
          'Scientist" --scope <workspace resource id>).'
      )
    }
    if (answer.status !== 200) throw new Error(`Could not read ${r.what}: ${describeAnswer(answer)}.`)
    const state = provisioningStateIn(answer.bodyText)
    const provisioning = provisioningOf(state)
    if (provisioning === 'ready') return answer.bodyText
    const shownState = logSafe(state ?? '', 50)
    if (provisioning === 'broken') {
      throw new Error(
        `The ${r.what} is ${shownState}: it cannot take jobs. Look at it in Azure ML studio; nothing was submitted.`
      )
    }
    const pause = Math.min(r.bounds.maxPollMs, r.bounds.firstPollMs * 2 ** read)
    const waited = Date.now() - r.started
    if (waited + pause > r.bounds.maxWaitMs) {
      throw new Error(
        `The ${r.what} is still ${shownState} after ${formatDuration(waited)}; the action waits at most ` +
          `${formatDuration(r.bounds.maxWaitMs)}. Nothing was submitted: re-run once it is Succeeded.`
      )
    }
    r.log(`The ${r.what} is ${shownState}; reading it again in ${formatDuration(pause)}`)
    await sleep(pause, undefined, { signal: r.signal })
  }
}

function provisioningStateIn(bodyText: string): string | undefined {
  try {
    return parseDeployment(bodyText, '').provisioningState
  } catch {
    return undefined
  }
}

/** A sentence listing the names a list request answers, or saying why there are none to show. */
async function namesIn(
  arm: SendAzureRequest,
  url: string,
  signal: AbortSignal | undefined
): Promise<(label: string) => string> {
  try {
    const answer = await arm({
      method: 'GET',
      url: `${url}?api-version=${endpointsApiVersion}`,
      timeoutMs: 30_000,
      signal
    })
    if (answer.status !== 200) return label => `${label} could not be listed (${describeAnswer(answer)}).`
    const names = listedNames(answer.bodyText, namesShown)
    if (names === undefined) return label => `${label} could not be listed (the answer is not a list of them).`
    return label => (names.length === 0 ? `${label}: none.` : `${label}: ${names.join(', ')}.`)
  } catch (error) {
    if (signal?.aborted) throw error
    const reason = logSafe(error instanceof Error ? error.message : String(error))
    return label => `${label} could not be listed (${reason}).`
  }
}
