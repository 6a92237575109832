import { parseWorkspaceId } from '../src/workspace-id.js'

const ws = '/subscriptions/0000-1111/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw'

describe('parseWorkspaceId', () => {
  it('reads a workspace id into its parts', () => {
    expect(parseWorkspaceId(ws)).toEqual({
      workspace: ws,
      subscription: '0000-1111',
      resourceGroup: 'rg-ml',
      name: 'mlw',
      below: ''
    })
  })

  it('finds the workspace at the start of the id of something in it', () => {
    expect(parseWorkspaceId(`${ws}/batchEndpoints/ep/deployments/d/jobs/batchjob-1`)).toMatchObject({
      workspace: ws,
      below: '/batchEndpoints/ep/deployments/d/jobs/batchjob-1'
    })
    expect(parseWorkspaceId(`${ws}/data/heart/versions/3`)?.below).toBe('/data/heart/versions/3')
  })

  it('reads the fixed segments in any case, and keeps the spelling it was given', () => {
    const lower = ws.toLowerCase()
    expect(parseWorkspaceId(lower)?.workspace).toBe(lower)
  })

  it('keeps what follows the workspace whole, line breaks included', () => {
    expect(parseWorkspaceId(`${ws}/jobs/x\n::error::y`)?.below).toBe('/jobs/x\n::error::y')
  })

  it.each([
    ['a name', 'mlw'],
    ['a URL', `https://management.azure.com${ws}`],
    ['an id outside a workspace', '/subscriptions/s/jobs/x'],
    ['a workspace without a name', ws.replace(/mlw$/, '')],
    ['a resource group left out', ws.replace('/resourceGroups/rg-ml', '')],
    ['another provider', ws.replace('MachineLearningServices', 'Storage')]
  ])('names no workspace in %s', (_, id) => {
    expect(parseWorkspaceId(id)).toBeUndefined()
  })
})
