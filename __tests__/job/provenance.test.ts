import { provenanceTags } from '../../src/job/provenance.js'

describe('provenanceTags', () => {
  it('tags the job with the run that started it', () => {
    expect(
      provenanceTags({
        repository: 'contoso/heart-data',
        workflow: 'score',
        runId: 4242,
        runAttempt: 2,
        sha: 'abc123',
        ref: 'refs/heads/main',
        serverUrl: 'https://github.com'
      })
    ).toEqual({
      'github.repository': 'contoso/heart-data',
      'github.workflow': 'score',
      'github.run_id': '4242',
      'github.run_attempt': '2',
      'github.sha': 'abc123',
      'github.ref': 'refs/heads/main',
      'github.run_url': 'https://github.com/contoso/heart-data/actions/runs/4242'
    })
  })

  it('leaves out what the run does not have', () => {
    expect(
      provenanceTags({
        repository: '',
        workflow: '',
        runId: NaN,
        runAttempt: NaN,
        sha: '',
        ref: '',
        serverUrl: 'https://github.com'
      })
    ).toEqual({})
  })
})
