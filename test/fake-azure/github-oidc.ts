import { createHash, generateKeyPair, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { jsonReply, originOf, type RecordedRequest, type Reply, type Route } from './exchange.js'
import { signRs256 } from './jwt.js'

// GitHub Actions' OIDC token service as `core.getIDToken(audience)` calls it: GET <ACTIONS_ID_TOKEN_REQUEST_URL>
// &audience=<aud> with `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>`, answered with {"value": "<ID token>"}.

export interface GitHubOidcOptions {
  /** `iss` of the ID tokens: https://token.actions.githubusercontent.com on github.com. */
  issuer?: string
  /** `sub`, which Entra matches case-sensitively against federated credentials. */
  subject?: string
  repository?: string
  ref?: string
  /** Seconds an ID token is valid: 300 on github.com. A client must fetch a fresh one for each Entra request. */
  idTokenLifetimeSeconds?: number
}

export interface GitHubSigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
}

/** An RSA key for signing ID tokens; its key id is the SHA-1 of the public key, hex, as a thumbprint would be. */
export async function makeGitHubSigningKey(): Promise<GitHubSigningKey> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  const kid = createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .toUpperCase()
  return { kid, privateKey, publicKey }
}

export class GitHubOidc {
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN: the bearer token that lets one job ask for ID tokens. */
  readonly requestToken = randomBytes(32).toString('base64url')
  /** Every ID token handed out, in order, so tests can count fetches and check that none leaked into logs. */
  readonly issued: string[] = []
  // Plain fields, so that a test can change what the next ID token says (a renamed repository, a new environment).
  issuer: string
  subject: string
  repository: string
  ref: string
  idTokenLifetimeSeconds: number
  readonly runId = String(10_000_000_000 + Math.floor(Math.random() * 1_000_000_000))
  private readonly key: GitHubSigningKey
  private readonly origin: () => string

  readonly routes: Route[] = [
    { name: 'githubIdToken', method: 'GET', path: /^\/github\/idtoken$/, handle: request => this.idToken(request) }
  ]

  constructor(key: GitHubSigningKey, options: GitHubOidcOptions, origin: () => string) {
    this.key = key
    this.origin = origin
    this.issuer = options.issuer ?? 'https://token.actions.githubusercontent.com'
    this.subject = options.subject ?? 'repo:contoso/heart-data:ref:refs/heads/main'
    this.repository = options.repository ?? 'contoso/heart-data'
    this.ref = options.ref ?? 'refs/heads/main'
    this.idTokenLifetimeSeconds = options.idTokenLifetimeSeconds ?? 300
  }

  /** ACTIONS_ID_TOKEN_REQUEST_URL. It already has a query, as GitHub's does: clients append `&audience=`. */
  get idTokenRequestUrl(): string {
    return `${this.origin()}/github/idtoken?api-version=2.0`
  }

  /** The environment a job with `permissions: id-token: write` runs with. */
  get env(): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string } {
    return { ACTIONS_ID_TOKEN_REQUEST_URL: this.idTokenRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken }
  }

  /** The public key Entra finds in the issuer's published keys under `kid`, if the fake GitHub signs with it. */
  signingKey(kid: string): KeyObject | undefined {
    return kid === this.key.kid ? this.key.publicKey : undefined
  }

  /**
   * An ID token as GitHub would issue it now, or at `issuedAt` (ms since the epoch): tests hand an old one to Entra
   * to see AADSTS700024 without waiting for one to expire.
   */
  issueIdToken(audience: string, issuedAt = Date.now()): string {
    const iat = Math.floor(issuedAt / 1000)
    const [owner] = this.repository.split('/')
    const sha = createHash('sha1').update(this.ref).digest('hex')
    const workflowRef = `${this.repository}/.github/workflows/score.yml@${this.ref}`
    const claims = {
      jti: randomUUID(),
      sub: this.subject,
      aud: audience,
      ref: this.ref,
      sha,
      repository: this.repository,
      repository_owner: owner,
      repository_owner_id: '5105',
      run_id: this.runId,
      run_number: '7',
      run_attempt: '1',
      repository_visibility: 'private',
      repository_id: '81423',
      actor_id: '77',
      actor: 'octocat',
      workflow: 'Score heart data',
      head_ref: '',
      base_ref: '',
      event_name: 'push',
      ref_protected: 'false',
      ref_type: 'branch',
      workflow_ref: workflowRef,
      workflow_sha: sha,
      job_workflow_ref: workflowRef,
      job_workflow_sha: sha,
      runner_environment: 'github-hosted',
      iss: this.issuer,
      nbf: iat,
      exp: iat + this.idTokenLifetimeSeconds,
      iat
    }
    const x5t = Buffer.from(this.key.kid, 'hex').toString('base64url')
    const token = signRs256({ typ: 'JWT', x5t, kid: this.key.kid }, claims, this.key.privateKey)
    this.issued.push(token)
    return token
  }

  // Without `audience` GitHub names the repository owner's URL, as the `aud` of a token nobody asked a value for.
  private idToken(request: RecordedRequest): Reply {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers['authorization'] ?? '')?.[1]
    if (bearer === undefined) return { status: 401, headers: {}, body: '' }
    if (bearer !== this.requestToken) return { status: 403, headers: {}, body: '' }
    const query = new URL(request.path, originOf(request)).searchParams
    const audience = query.get('audience') ?? `https://github.com/${this.repository.split('/')[0]}`
    return jsonReply(200, { value: this.issueIdToken(audience) })
  }
}
