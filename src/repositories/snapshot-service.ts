// `repo snapshot`: the tree of one commit as a .tar.gz, from the repository's mirror. A branch or tag is fetched
// first so the snapshot is current; submodules come from their own mirrors, through the same connection when they
// live in the same organization or collection, or through the workspace's one connection to theirs.
import { servicesEquivalentUrl } from '../azure/endpoints.js';
import { httpsCloneUrl, parseAzureUrl, sameDeployment, type Deployment, type VersionDescriptor } from '../azure/urls.js';
import type { Connection } from '../connections/connection.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { AzdoError } from '../errors/azdo-error.js';
import type { GitRemote } from '../git/git-env.js';
import { headBranch } from '../git/mirror-log.js';
import { createSnapshot, type ArchiveProgress, type SnapshotResult, type SubmoduleReport, type SubmoduleSource } from '../git/snapshot.js';
import { SnapshotErrorCodes } from '../git/snapshot-errors.js';
import { withoutPassword } from '../git/snapshot-tree.js';
import { ensureMirror, fetchRepository, type EnsuredMirror, type FetchRepositoryOptions } from './mirror-service.js';
import { repositoryEmpty } from './repository-errors.js';
import { describeDeployment, type RepositoryTarget } from './repository-target.js';
import { resolveSubmoduleUrl } from './submodule-url.js';

export interface SnapshotRepositoryOptions extends Omit<FetchRepositoryOptions, 'filter'> {
  /** Write the snapshot even when submodules cannot be included; they are still reported. */
  allowMissingSubmodules?: boolean;
  /**
   * false: use the mirror as it is (fetched only when it does not exist, or lacks the ref). Default: fetch first, so a
   * branch or tag means what it means on the server now. A full commit id never needs that fetch.
   */
  fetch?: boolean;
  /** gzip level 1 to 9 (default 6). */
  level?: number;
  /** How far writing the archive has got, after the fetches (whose progress goes to onProgress). */
  onArchiveProgress?(progress: ArchiveProgress): void;
}

export interface SnapshotSubmodule extends SubmoduleReport {
  /** The connection it was fetched through, and its project/repository (included submodules). */
  connection?: string;
  repository?: string;
}

export interface RepositorySnapshot extends Omit<SnapshotResult, 'submodules'> {
  connection: string;
  project: string;
  repository: string;
  /** What was asked for: a branch, tag or commit, or the default branch's name. */
  ref: string;
  submodules: SnapshotSubmodule[];
}

const FULL_COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/**
 * Writes a gzipped tar of `ref` (a branch, tag or commit id; default: the URL's version, else the default branch)
 * to `out`, leaving out what the commit's `.azdoignore` names and including submodules. Unknown refs fail with
 * AZDO_BRANCH_NOT_FOUND or AZDO_VERSION_NOT_FOUND; submodules out of reach with AZDO_SUBMODULE_OTHER_ORGANIZATION or
 * AZDO_SUBMODULE_FETCH_FAILED, unless `allowMissingSubmodules`.
 */
export async function snapshotRepository(
  connections: ConnectionService,
  target: RepositoryTarget,
  ref: string | VersionDescriptor | undefined,
  out: string,
  o: SnapshotRepositoryOptions = {},
): Promise<RepositorySnapshot> {
  const wanted = ref ?? target.version;
  const byId = wanted !== undefined && FULL_COMMIT_ID.test(typeof wanted === 'string' ? wanted : wanted.type === 'commit' ? wanted.value : '');
  const fetchOptions: FetchRepositoryOptions = { ...o };
  if (o.fetch !== false && !byId) await fetchRepository(connections, target, fetchOptions);
  const mirror = await ensureMirror(connections, target, fetchOptions);
  const name = { project: mirror.project, repository: mirror.name };
  if (mirror.empty) throw repositoryEmpty(name, target.connection.name);
  let shown: string;
  let commit: string;
  if (wanted === undefined) {
    const branch = await headBranch(mirror.path);
    if (branch === undefined) throw repositoryEmpty(name, target.connection.name);
    [shown, commit] = [branch, await mirror.commitOf({ type: 'branch', value: branch })];
  } else {
    [shown, commit] = [typeof wanted === 'string' ? wanted : wanted.value, await mirror.commitOf(wanted)];
  }

  const submodules = new SubmoduleMirrors(connections, target.connection, fetchOptions);
  // A partial mirror reads file contents from the server as git archive needs them, with the connection's credential.
  const remote: GitRemote | undefined = mirror.partial ? await mirror.remote() : undefined;
  try {
    const result = await createSnapshot({
      repoPath: mirror.path,
      commit,
      out,
      submodules: (link) => submodules.resolve(link.url, link.parentUrl ?? httpsCloneUrl(target.connection.deployment, mirror.project, mirror.name), link.commit, link.path),
      ...(o.allowMissingSubmodules ? { allowMissingSubmodules: true } : {}),
      ...(remote ? { env: remote.env } : {}),
      ...(o.level !== undefined ? { level: o.level } : {}),
      ...(o.onArchiveProgress ? { onProgress: (p: ArchiveProgress) => o.onArchiveProgress?.(p) } : {}),
    });
    return {
      ...result,
      connection: target.connection.name,
      project: mirror.project,
      repository: mirror.name,
      ref: shown,
      submodules: result.submodules.map((s) => ({ ...s, ...submodules.origin(s.path) })),
    };
  } finally {
    await remote?.cleanup();
  }
}

/** Finds (fetching as needed) the mirror of each submodule, once per repository however often it is linked. */
class SubmoduleMirrors {
  readonly #mirrors = new Map<string, Promise<EnsuredMirror>>();
  readonly #origins = new Map<string, { connection: string; repository: string }>();
  #servers: Promise<Deployment[]> | undefined;

  constructor(
    private readonly connections: ConnectionService,
    private readonly connection: Connection,
    private readonly fetchOptions: FetchRepositoryOptions,
  ) {}

  origin(path: string): { connection?: string; repository?: string } {
    return this.#origins.get(path) ?? {};
  }

  async resolve(url: string, base: string, commit: string, path: string): Promise<SubmoduleSource> {
    const shown = withoutPassword(url);
    const absolute = resolveSubmoduleUrl(url, base);
    if (absolute === undefined) return { skip: `its relative URL ${shown} climbs above the host of ${base}`, code: SnapshotErrorCodes.submoduleOtherOrganization, hint: 'Fix the URL in .gitmodules.' };
    const servers = await (this.#servers ??= this.#knownServers());
    let location;
    try {
      location = parseAzureUrl(servicesEquivalentUrl(absolute, this.connections.endpoints, { knownServers: servers }), { knownServers: servers });
    } catch {
      return {
        skip: `${withoutPassword(absolute)} is not an Azure DevOps repository`,
        code: SnapshotErrorCodes.submoduleOtherOrganization,
        hint: 'azdo-connect fetches submodules from Azure DevOps only: name the folder in .azdoignore to leave it out on purpose.',
      };
    }
    if (!('repository' in location)) {
      return { skip: `${withoutPassword(absolute)} does not name a repository`, code: SnapshotErrorCodes.submoduleOtherOrganization, hint: 'Fix the URL in .gitmodules.' };
    }
    const connection = await this.#connectionFor(location.deployment);
    if (connection === undefined) {
      const place = describeDeployment(location.deployment);
      return {
        skip: `it lives in ${place}, not in ${describeDeployment(this.connection.deployment)}, and no connection reaches it`,
        code: SnapshotErrorCodes.submoduleOtherOrganization,
        hint: `Add a connection to ${place} (azdo-connect connection add) so its credential fetches it`,
      };
    }
    const target: RepositoryTarget = { connection, project: location.project ?? location.repository, repository: location.repository };
    const key = `${connection.id}\n${target.project}\n${target.repository}`.toLowerCase();
    try {
      let pending = this.#mirrors.get(key);
      if (!pending) {
        pending = ensureMirror(this.connections, target, this.fetchOptions);
        this.#mirrors.set(key, pending);
      }
      const mirror = await pending;
      // Fetches once more when the pinned commit is newer than the mirror.
      await mirror.commitOf({ type: 'commit', value: commit });
      this.#origins.set(path, { connection: connection.name, repository: `${mirror.project}/${mirror.name}` });
      return { repoPath: mirror.path, url: httpsCloneUrl(connection.deployment, mirror.project, mirror.name) };
    } catch (error) {
      if (!(error instanceof AzdoError)) throw error;
      return { skip: `${error.code}: ${error.message}`, code: SnapshotErrorCodes.submoduleFetchFailed, hint: error.hint };
    }
  }

  /** The snapshot's own connection for its organization or collection, else the workspace's only one for the other. */
  async #connectionFor(deployment: Deployment): Promise<Connection | undefined> {
    if (sameDeployment(deployment, this.connection.deployment)) return this.connection;
    const matches = (await this.connections.listAllConnections()).filter((c) => sameDeployment(c.deployment, deployment));
    return matches.length === 1 ? this.connections.getConnection(matches[0]!.id) : undefined;
  }

  async #knownServers(): Promise<Deployment[]> {
    const all = await this.connections.listAllConnections();
    return [this.connection.deployment, ...all.map((c) => c.deployment)].filter((d) => d.kind === 'server');
  }
}
