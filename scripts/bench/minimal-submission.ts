// The benchmark's baseline, not part of the action: the least a submission can be with the project's stack. It signs in
// with a client secret through @azure/identity, POSTs the job through @azure/core-rest-pipeline and sets the outputs
// through @actions/core, without validation, retries of its own, summary or anything else. bench.ts bundles it the way
// the action is bundled and times it beside the action: the gap between the two is what the action adds.
import * as core from '@actions/core'
import { ClientSecretCredential } from '@azure/identity'
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest
} from '@azure/core-rest-pipeline'

const credential = new ClientSecretCredential(
  core.getInput('tenant-id'),
  core.getInput('client-id'),
  core.getInput('client-secret'),
  { authorityHost: core.getInput('authority-host'), disableInstanceDiscovery: true }
)
const pipeline = createPipelineFromOptions({})
pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: 'https://ml.azure.com/.default' }))
const request = createPipelineRequest({
  url: core.getInput('endpoint-uri'),
  method: 'POST',
  body: JSON.stringify({
    properties: { InputData: { input_data: { JobInputType: 'UriFolder', Uri: core.getInput('input-uri') } } }
  }),
  headers: createHttpHeaders({ 'content-type': 'application/json', 'repeatability_request-id': crypto.randomUUID() })
})
const response = await pipeline.sendRequest(createDefaultHttpClient(), request)
const job = JSON.parse(response.bodyAsText ?? '{}') as { name?: string; properties?: { status?: string } }
if (response.status >= 300) core.setFailed(`The endpoint answered ${response.status}`)
core.setOutput('job-id', job.name ?? '')
core.setOutput('status', job.properties?.status ?? '')
