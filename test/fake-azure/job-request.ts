// Reads the body of a batch job submission the way the service does: keys in PascalCase (as the docs write them) or
// camelCase (as the Python SDK sends them), enum values in PascalCase. Pure, so the rules can be read in one place.

export interface JobInput {
  jobInputType: string
  uri?: string
  value?: string
}

export interface JobOutput {
  jobOutputType: string
  uri: string
}

export interface JobRequest {
  inputData: Record<string, JobInput>
  outputData: Record<string, JobOutput>
  /** The body's `properties` object as sent. */
  properties: Record<string, unknown>
}

export type ParsedJobRequest = { request: JobRequest } | { error: string }

const uriInputTypes = ['UriFolder', 'UriFile']
const inputTypes = [...uriInputTypes, 'Literal']
const outputTypes = ['UriFile', 'UriFolder']

export function parseJobRequest(body: string): ParsedJobRequest {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch (error) {
    return { error: `The request body is not valid JSON: ${(error as Error).message}` }
  }
  const properties = isObject(parsed) ? parsed['properties'] : undefined
  if (!isObject(properties)) return { error: "The request body must be a JSON object with a 'properties' object." }

  const rawInputs = field(properties, 'InputData')
  if (!isObject(rawInputs) || Object.keys(rawInputs).length === 0) {
    return { error: "The job must have at least one input in 'properties.InputData'." }
  }
  const inputData: Record<string, JobInput> = {}
  for (const [name, raw] of Object.entries(rawInputs)) {
    const input = parseInput(name, raw)
    if (typeof input === 'string') return { error: input }
    inputData[name] = input
  }

  const rawOutputs = field(properties, 'OutputData') ?? {}
  if (!isObject(rawOutputs)) return { error: "'properties.OutputData' must be an object." }
  const outputData: Record<string, JobOutput> = {}
  for (const [name, raw] of Object.entries(rawOutputs)) {
    const output = parseOutput(name, raw)
    if (typeof output === 'string') return { error: output }
    outputData[name] = output
  }
  return { request: { inputData, outputData, properties } }
}

/** The input, or a message saying what is wrong with it. */
function parseInput(name: string, raw: unknown): JobInput | string {
  if (!isObject(raw)) return `Input '${name}' must be an object with a JobInputType.`
  const type = field(raw, 'JobInputType')
  if (typeof type !== 'string' || !inputTypes.includes(type)) {
    return `Input '${name}' has JobInputType ${JSON.stringify(type)}; expected one of ${inputTypes.join(', ')}.`
  }
  if (type === 'Literal') {
    const value = field(raw, 'Value')
    if (typeof value !== 'string') return `Literal input '${name}' must have a string 'Value'.`
    return { jobInputType: type, value }
  }
  const uri = field(raw, 'Uri')
  if (typeof uri !== 'string' || uri === '') return `Input '${name}' of type ${type} must have a 'Uri'.`
  return { jobInputType: type, uri }
}

function parseOutput(name: string, raw: unknown): JobOutput | string {
  if (!isObject(raw)) return `Output '${name}' must be an object with a JobOutputType.`
  const type = field(raw, 'JobOutputType')
  if (typeof type !== 'string' || !outputTypes.includes(type)) {
    return `Output '${name}' has JobOutputType ${JSON.stringify(type)}; expected one of ${outputTypes.join(', ')}.`
  }
  const uri = field(raw, 'Uri')
  if (typeof uri !== 'string' || uri === '') return `Output '${name}' of type ${type} must have a 'Uri'.`
  return { jobOutputType: type, uri }
}

/** A key in PascalCase or camelCase. */
function field(object: Record<string, unknown>, pascalName: string): unknown {
  return object[pascalName] ?? object[pascalName[0]?.toLowerCase() + pascalName.slice(1)]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
