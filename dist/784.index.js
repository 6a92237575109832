export const id = 784;
export const ids = [784];
export const modules = {

/***/ 8784:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  uploadInput: () => (/* binding */ uploadInput)
});

;// CONCATENATED MODULE: ./src/changed-files.ts
// Which files a push added or modified. The push payload lists them, but not always completely: it carries at most
// 20 commits, and a forced push or a new branch does not describe what changed against what came before. Then the
// GitHub API's compare answers instead.
const payloadCommitLimit = 20;
const noCommit = /^0+$/;
/** The changed files from the payload, or the comparison to ask the API for and why. Pure. */
function changedFilesFromPush(payload) {
    const head = payload.after ?? '';
    const commits = payload.commits ?? [];
    if (payload.created || noCommit.test(payload.before ?? '')) {
        const base = payload.repository?.default_branch ?? '';
        return { compare: { base, head }, why: `the push created a branch: compared with ${base}` };
    }
    if (payload.forced)
        return { compare: { base: payload.before ?? '', head }, why: 'the push was forced' };
    if (commits.length >= payloadCommitLimit) {
        return {
            compare: { base: payload.before ?? '', head },
            why: `the push payload lists only ${payloadCommitLimit} commits`
        };
    }
    // In commit order, so that a file added and then removed within the push does not count.
    const files = new Set();
    for (const commit of commits) {
        for (const file of [...(commit.added ?? []), ...(commit.modified ?? [])])
            files.add(file);
        for (const file of commit.removed ?? [])
            files.delete(file);
    }
    return { files };
}
/** The files of a compare answer that exist after the push: everything but removals. */
function changedFilesFromCompare(files) {
    return new Set(files.filter(file => file.status !== 'removed').map(file => file.filename));
}

// EXTERNAL MODULE: ./src/service-errors.ts
var service_errors = __webpack_require__(3346);
;// CONCATENATED MODULE: ./src/datastore.ts

const apiVersion = '2025-12-01';
/** Reads the workspace datastore through ARM; only Azure Blob datastores can take an upload. */
async function getBlobDatastore(arm, resourceManager, workspace, name) {
    const url = `${resourceManager}${workspace}/datastores/${encodeURIComponent(name)}`;
    const answer = await arm({ method: 'GET', url: `${url}?api-version=${apiVersion}`, timeoutMs: 30_000 });
    if (answer.status !== 200)
        throw datastoreError(answer, `read datastore '${name}'`);
    const properties = JSON.parse(answer.bodyText).properties ?? {};
    if (properties['datastoreType'] !== 'AzureBlob') {
        throw new Error(`Datastore '${name}' is ${String(properties['datastoreType'])}, not an Azure Blob datastore: set 'datastore' to one ` +
            'that is (workspaceblobstore is).');
    }
    const accountName = String(properties['accountName']);
    const endpoint = String(properties['endpoint'] ?? 'core.windows.net');
    const credentialsType = properties['credentials']?.credentialsType;
    return {
        name,
        accountName,
        // The datastore's protocol (https, or wasbs for Spark) names how jobs read it; the blob service itself is https.
        serviceUrl: `https://${accountName}.blob.${endpoint}`,
        containerName: String(properties['containerName']),
        hasCredentials: credentialsType === 'AccountKey' || credentialsType === 'Sas'
    };
}
/** The datastore's own credentials (POST listSecrets): used when the signed-in identity may not write blobs. */
async function getDatastoreSecret(arm, resourceManager, workspace, datastore) {
    const url = `${resourceManager}${workspace}/datastores/${encodeURIComponent(datastore.name)}/listSecrets`;
    const answer = await arm({ method: 'POST', url: `${url}?api-version=${apiVersion}`, body: '', timeoutMs: 30_000 });
    if (answer.status !== 200)
        throw datastoreError(answer, `read the credentials of datastore '${datastore.name}'`);
    const secrets = JSON.parse(answer.bodyText);
    if (secrets.secretsType === 'AccountKey' && typeof secrets.key === 'string') {
        return { kind: 'AccountKey', accountName: datastore.accountName, key: secrets.key };
    }
    if (secrets.secretsType === 'Sas' && typeof secrets.sasToken === 'string')
        return { kind: 'Sas', sasToken: secrets.sasToken };
    throw new Error(`Datastore '${datastore.name}' has no account key or SAS token to upload with.`);
}
function datastoreError(answer, what) {
    return (0,service_errors/* armRefusal */.T)(answer, what, {
        404: "Check 'datastore' and 'workspace'.",
        403: 'The signed-in identity needs a role on the workspace such as AzureML Data Scientist.'
    });
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@actions/glob/lib/glob.js + 17 modules
var glob = __webpack_require__(943);
// EXTERNAL MODULE: ./src/input-formats.ts
var input_formats = __webpack_require__(9774);
;// CONCATENATED MODULE: ./src/local-files.ts




/**
 * The files `input-path` names inside the workspace: a file, a folder (everything below it) or a glob. Nothing
 * outside the workspace is ever read, through `..` or through a symlink.
 */
async function findInputFiles(pattern, workspace) {
    const root = await (0,promises_.realpath)(workspace);
    const target = (0,external_node_path_.resolve)(root, pattern);
    if (!inside(root, target.replace(/[*?[{].*$/, ''))) {
        throw new input_formats/* InputError */.dz(`Input 'input-path' ('${pattern}') points outside the workspace ${root}.`);
    }
    const globber = await glob/* create */.v(target, { followSymbolicLinks: false, matchDirectories: false });
    const [searchPath = root] = globber.getSearchPaths();
    const base = (await isFile(searchPath)) ? (0,external_node_path_.dirname)(searchPath) : searchPath;
    const files = [];
    for (const path of await globber.glob()) {
        const real = await (0,promises_.realpath)(path);
        if (!inside(root, real)) {
            throw new input_formats/* InputError */.dz(`Input 'input-path': ${(0,external_node_path_.relative)(root, path)} is a symbolic link to ${real}, outside the workspace.`);
        }
        const info = await (0,promises_.lstat)(path);
        if (info.isSymbolicLink() && !(await (0,promises_.stat)(path)).isFile())
            continue;
        files.push({
            absolutePath: real,
            workspacePath: (0,external_node_path_.relative)(root, path).split(external_node_path_.sep).join('/'),
            uploadPath: (0,external_node_path_.relative)(base, path).split(external_node_path_.sep).join('/'),
            size: (await (0,promises_.stat)(real)).size
        });
    }
    if (files.length === 0)
        throw new input_formats/* InputError */.dz(`Input 'input-path' ('${pattern}') matches no file in the workspace.`);
    return files.sort((a, b) => a.workspacePath.localeCompare(b.workspacePath));
}
function inside(root, path) {
    const rel = (0,external_node_path_.relative)(root, path);
    return rel === '' || (!rel.startsWith('..') && !(0,external_node_path_.isAbsolute)(rel));
}
async function isFile(path) {
    try {
        return (await (0,promises_.stat)(path)).isFile();
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/progress.ts
// A progress line for long uploads: at most one every few seconds, with the rate so far. Pure but for the clock.
function formatBytes(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
}
class ProgressReporter {
    bytes = 0;
    files = 0;
    lastReport;
    startedAt;
    totals;
    log;
    everyMs;
    now;
    constructor(totals, log, everyMs = 5_000, now = Date.now) {
        this.totals = totals;
        this.log = log;
        this.everyMs = everyMs;
        this.now = now;
        this.startedAt = now();
        this.lastReport = this.startedAt;
    }
    addBytes(delta) {
        this.bytes += delta;
        this.maybeReport();
    }
    fileDone() {
        this.files++;
        this.maybeReport();
    }
    line() {
        const seconds = Math.max(0.001, (this.now() - this.startedAt) / 1000);
        return (`Uploaded ${this.files}/${this.totals.files} files, ${formatBytes(this.bytes)} of ${formatBytes(this.totals.bytes)} ` +
            `(${formatBytes(this.bytes / seconds)}/s)`);
    }
    maybeReport() {
        if (this.now() - this.lastReport < this.everyMs)
            return;
        this.lastReport = this.now();
        this.log(this.line());
    }
}

// EXTERNAL MODULE: ./src/undici-on-demand.ts
var undici_on_demand = __webpack_require__(3113);
;// CONCATENATED MODULE: ./src/upload.ts

// Files above this go up in blocks (several requests each, in parallel), each block retried on its own.
const blockSize = 8 * 1024 * 1024;
class UploadError extends Error {
    name = 'UploadError';
    file;
    statusCode;
    constructor(file, cause) {
        const status = cause.statusCode;
        const code = cause.code;
        const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
        super(`Could not upload ${file}: ${status ? `HTTP ${status} ` : ''}${code ? `${code}: ` : ''}${why}`, { cause });
        this.file = file;
        this.statusCode = status;
    }
}
/**
 * Uploads the files under the prefix, keeping their folder structure, a bounded number at a time. The first file
 * that fails (after the storage SDK's own retries) stops the upload: no file is left out silently.
 */
async function uploadFiles(container, files, options) {
    let next = 0;
    let failure;
    const worker = async () => {
        while (failure === undefined && next < files.length) {
            const file = files[next++];
            if (!file)
                return;
            let sent = 0;
            try {
                await container.getBlockBlobClient(`${options.prefix}/${file.uploadPath}`).uploadFile(file.absolutePath, {
                    blockSize,
                    maxSingleShotSize: blockSize,
                    concurrency: 4,
                    onProgress: progress => {
                        options.onBytes(progress.loadedBytes - sent);
                        sent = progress.loadedBytes;
                    }
                });
                options.onBytes(file.size - sent);
                options.onFileDone();
            }
            catch (error) {
                failure ??= new UploadError(file.workspacePath, error);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, files.length) }, worker));
    if (failure)
        throw failure;
}
function describeUpload(files) {
    const bytes = files.reduce((sum, file) => sum + file.size, 0);
    return `${files.length} file${files.length === 1 ? '' : 's'}, ${formatBytes(bytes)}`;
}

;// CONCATENATED MODULE: ./src/upload-input.ts






/**
 * `input-path`: the files it names in the checkout (of them, with changed-only, those the push added or modified)
 * go up to the workspace datastore under a prefix of their own, and the job scores exactly that folder.
 */
async function uploadInput(settings, credential, arm, log) {
    const { upload, workspace } = settings;
    let files = await findInputFiles(upload.inputPath, process.env['GITHUB_WORKSPACE'] || process.cwd());
    if (upload.changedOnly) {
        const { event, changed } = await changedFiles(upload.githubToken, log);
        if (changed)
            files = files.filter(file => changed.has(file.workspacePath));
        if (files.length === 0) {
            return { kind: 'skipped', reason: `the ${event} changed no file that '${upload.inputPath}' matches` };
        }
    }
    log.info(`Uploading ${describeUpload(files)} to datastore ${upload.datastore}, under ${upload.prefix}/`);
    const datastore = await getBlobDatastore(arm, settings.resourceManager, workspace, upload.datastore);
    // Loaded only here: a job that scores data already in Azure never pays for the storage SDK.
    const storage = await __webpack_require__.e(/* import() */ 53).then(__webpack_require__.bind(__webpack_require__, 8053));
    const send = async (container) => {
        const totals = { files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) };
        const progress = new ProgressReporter(totals, line => log.info(line));
        await uploadFiles(container, files, {
            prefix: upload.prefix,
            concurrency: 8,
            onBytes: delta => progress.addBytes(delta),
            onFileDone: () => progress.fileDone()
        });
        log.info(progress.line());
    };
    const containerUrl = `${datastore.serviceUrl}/${datastore.containerName}`;
    try {
        await send(new storage.ContainerClient(containerUrl, credential));
    }
    catch (error) {
        const refused = error instanceof UploadError && (error.statusCode === 401 || error.statusCode === 403);
        if (!refused)
            throw error;
        if (!datastore.hasCredentials)
            throw new Error(`${error.message}\n${roleHint(datastore.accountName)}`);
        log.info(`The signed-in identity may not write blobs (HTTP ${error.statusCode}); using the datastore's own credentials.`);
        const secret = await getDatastoreSecret(arm, settings.resourceManager, workspace, datastore);
        log.mask(secret.kind === 'AccountKey' ? secret.key : secret.sasToken);
        const container = secret.kind === 'AccountKey'
            ? new storage.ContainerClient(containerUrl, new storage.StorageSharedKeyCredential(secret.accountName, secret.key))
            : new storage.ContainerClient(`${containerUrl}?${secret.sasToken.replace(/^\?/, '')}`);
        try {
            await send(container);
        }
        catch (second) {
            if (second instanceof UploadError && (second.statusCode === 401 || second.statusCode === 403)) {
                throw new Error(`${second.message}\n${roleHint(datastore.accountName)}`);
            }
            throw second;
        }
    }
    return uploaded(files, upload);
}
function uploaded(files, upload) {
    const single = files.length === 1 ? files[0] : undefined;
    const inputUri = single
        ? `azureml://datastores/${upload.datastore}/paths/${upload.prefix}/${single.uploadPath}`
        : `azureml://datastores/${upload.datastore}/paths/${upload.prefix}/`;
    return {
        kind: 'uploaded',
        files: files.length,
        bytes: files.reduce((sum, file) => sum + file.size, 0),
        input: { name: upload.inputName, kind: 'data', type: single ? 'UriFile' : 'UriFolder', uri: inputUri },
        inputUri
    };
}
function roleHint(accountName) {
    return (`Neither the signed-in identity nor the datastore's own credentials may write to storage account ${accountName}. ` +
        'Grant the identity "Storage Blob Data Contributor" on the account, or give the datastore an account key or SAS.');
}
// GitHub's compare lists at most this many files, without saying that it stopped.
const compareFileLimit = 300;
/** Repository paths the triggering push (or pull request) added or modified; undefined when GitHub cannot tell. */
async function changedFiles(token, log) {
    // @actions/github makes octokit's fetch and proxy agent as it loads, and they are undici's: undici comes first, from
    // the chunk the bundle keeps it in (see undici-on-demand.ts).
    await (0,undici_on_demand.loadUndici)();
    const { context, getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
    const { eventName: event, payload } = context;
    let compare;
    if (event === 'push') {
        const fromPush = changedFilesFromPush(payload);
        if ('files' in fromPush)
            return { event, changed: fromPush.files };
        log.info(`Asking GitHub which files changed: ${fromPush.why}.`);
        compare = fromPush.compare;
    }
    else if (event === 'pull_request' || event === 'pull_request_target') {
        const pr = payload.pull_request;
        compare = { base: pr.base.sha, head: pr.head.sha };
    }
    else {
        throw new Error(`changed-only needs a push or pull_request event; this run was started by ${event}.`);
    }
    const octokit = getOctokit(token);
    const files = [];
    // GitHub pages a comparison; 30 pages of 100 covers its own limit of 3000 files.
    for (let page = 1; page <= 30; page++) {
        const response = await octokit.rest.repos.compareCommitsWithBasehead({
            ...context.repo,
            basehead: `${compare.base}...${compare.head}`,
            per_page: 100,
            page
        });
        files.push(...(response.data.files ?? []));
        if (!/rel="next"/.test(response.headers.link ?? ''))
            break;
    }
    if (files.length >= compareFileLimit) {
        log.info(`GitHub lists only the first ${compareFileLimit} changed files: every file 'input-path' matches is scored.`);
        return { event };
    }
    return { event, changed: changedFilesFromCompare(files) };
}


/***/ })

};
