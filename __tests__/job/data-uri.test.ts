import { dataUri } from '../../src/job/data-uri.js'

describe('dataUri', () => {
  it.each([
    'https://mystorage.blob.core.windows.net/data/heart-disease/',
    'https://azuremlexampledata.blob.core.windows.net/data/heart-disease-uci/data.csv',
    'azureml://datastores/workspaceblobstore/paths/heart-disease/',
    'azureml://subscriptions/0000/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/data/x.csv',
    '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/data/heart/versions/3',
    'azureml:heart-data:3',
    'azureml:heart-data@latest'
  ])('accepts %s unchanged', uri => {
    expect(dataUri('input-uri', uri)).toBe(uri)
  })

  it.each([
    ['', "Input 'input-uri' is empty"],
    ['http://mystorage.blob.core.windows.net/data/', 'must use https'],
    ['./data/incoming', 'looks like a local path'],
    ['data/incoming/batch.csv', 'looks like a local path'],
    ['azureml:heart-data', 'give azureml:<name>:<version> or azureml:<name>@latest'],
    ['azureml://datastores/workspaceblobstore/heart/', 'not a data location the endpoint accepts'],
    ['s3://bucket/key', 'not a data location the endpoint accepts'],
    [
      '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/data/heart',
      'looks like a local path'
    ]
  ])('rejects %s, naming the input', (uri, message) => {
    expect(() => dataUri('input-uri', uri)).toThrow(message)
    expect(() => dataUri('input-uri', uri)).toThrow("'input-uri'")
  })
})
