import { chooseOutput, isInsideFolder, parseDatastoreUri } from '../../../src/results/download/output-location.js'

const step = { repository: 'contoso/heart', runId: '42', runAttempt: '2', job: 'score', unique: '0a1b2c3d' }

describe('chooseOutput', () => {
  it("puts a model deployment's score in a file of its own, per step execution", () => {
    expect(chooseOutput('score', undefined, 'workspaceblobstore', step)).toEqual({
      name: 'score',
      type: 'UriFile',
      uri: 'azureml://datastores/workspaceblobstore/paths/github-results/contoso/heart/42-2/score-0a1b2c3d/predictions.csv'
    })
    expect(chooseOutput('score', 'out.csv', 'results', step).uri).toMatch(/\/paths\/.*\/score-0a1b2c3d\/out\.csv$/)
  })

  it("gives a pipeline component's output a folder", () => {
    const output = chooseOutput('scores', undefined, 'workspaceblobstore', step)
    expect(output.type).toBe('UriFolder')
    expect(output.uri).toMatch(/\/score-0a1b2c3d\/$/)
  })
})

describe('parseDatastoreUri and isInsideFolder', () => {
  it('reads both forms', () => {
    expect(parseDatastoreUri('azureml://datastores/ds/paths/a/b.csv')).toEqual({
      datastore: 'ds',
      path: 'a/b.csv',
      workspace: undefined
    })
    expect(
      parseDatastoreUri('azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/ds/paths/a/')
    ).toEqual({
      datastore: 'ds',
      path: 'a/',
      workspace: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
    })
    expect(parseDatastoreUri('https://acct.blob.core.windows.net/c/a')).toBeUndefined()
  })

  it('tells a location inside an upload folder', () => {
    const location = { datastore: 'ds', path: 'github-results/r/1-1/x/predictions.csv', workspace: undefined }
    expect(isInsideFolder(location, 'DS', 'github-results/r')).toBe(true)
    expect(isInsideFolder(location, 'ds', 'github-results/r/1')).toBe(false)
    expect(isInsideFolder(location, 'other', 'github-results')).toBe(false)
  })
})
