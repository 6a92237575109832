// A workspace's ARM id, /subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>:
// what 'workspace' names, and how the id of anything in a workspace (a job, a data asset version) begins. Pure.

export interface WorkspaceId {
  /** The workspace's own id, as the id that was read spells it. */
  workspace: string
  subscription: string
  resourceGroup: string
  /** The workspace's name. */
  name: string
  /** What follows the workspace in the id: '' for the workspace itself, `/jobs/<name>` for a job in it. */
  below: string
}

// Resource Manager reads the fixed segments in any case.
const workspaceId =
  /^(\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+))(\/.*)?$/is

/** The workspace an ARM id names, or lies in; undefined when it names none. */
export function parseWorkspaceId(id: string): WorkspaceId | undefined {
  const match = workspaceId.exec(id)
  if (!match) return undefined
  const [, workspace = '', subscription = '', resourceGroup = '', name = '', below = ''] = match
  return { workspace, subscription, resourceGroup, name, below }
}
