import type { Settings } from './settings.js'

export interface JobSubmission {
  scoringUri: string
  headers: Record<string, string>
  body: string
}

/**
 * The invoke request as the batch endpoint documents it. `repeatabilityRequestId` is fixed per submission and sent
 * on every retry: the service then returns the job it already created instead of starting a second one.
 */
export function buildSubmission(settings: Settings, repeatabilityRequestId: string): JobSubmission {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'repeatability_request-id': repeatabilityRequestId
  }
  if (settings.deploymentName) headers['azureml-model-deployment'] = settings.deploymentName
  const { name, type, uri } = settings.input
  const body = { properties: { InputData: { [name]: { JobInputType: type, Uri: uri } } } }
  return { scoringUri: settings.scoringUri, headers, body: JSON.stringify(body) }
}
