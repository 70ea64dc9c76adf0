import type { FastifyInstance } from 'fastify';
import { ZERO_ID, type GitRefInfo } from '../git/git-repo.js';
import { AdoErrors } from '../http/ado-errors.js';
import { sendJson, type AdoRequest } from '../http/ado-request.js';
import type { SimulatorContext } from '../runtime/context.js';
import { isValidRefName, serializeWrites } from '../services/pushes.js';
import type { Project, Repository, SimulatorState } from '../state/model.js';
import { repositoryApiUrl } from './git-shapes.js';
import { atBothLevels, CODE_READ_CACHED, booleanParam, checkObjectId, CODE_WRITE, intParam, queryOf } from './git-query.js';
import { repositoryInScope } from './repository-scope.js';
import { identityReference } from './shapes.js';

const MAX_TOP = 1000;
/** Azure DevOps' page size when a continuation token comes without `$top`. */
const TOKEN_PAGE = 100;

type UpdateStatus =
  | 'succeeded'
  | 'staleOldObjectId'
  | 'invalidRefName'
  | 'unresolvableToCommit'
  | 'writePermissionRequired'
  | 'createBranchPermissionRequired'
  | 'createTagPermissionRequired'
  | 'refNameConflict'
  | 'succeededNonExistentRef';

/** Who created each ref, from the recorded pushes: the pusher of the latest update that made it exist. */
function refCreators(repository: Repository): Map<string, string> {
  const creators = new Map<string, string>();
  for (const push of repository.pushes) {
    for (const u of push.refUpdates) {
      if (u.newObjectId === ZERO_ID) creators.delete(u.name);
      else if (u.oldObjectId === ZERO_ID) creators.set(u.name, push.pushedById);
    }
  }
  return creators;
}

function refJson(
  state: SimulatorState,
  ado: AdoRequest,
  project: Project,
  repository: Repository,
  ref: GitRefInfo,
  creator: string | undefined,
  o: { peel: boolean; links: boolean },
) {
  const base = `${ado.baseUrl}/${project.id}/_apis/git/repositories/${repository.id}`;
  const url = `${base}/refs?filter=${encodeURIComponent(ref.name.replace(/^refs\//, ''))}`;
  return {
    name: ref.name,
    objectId: ref.objectId,
    ...(o.peel && ref.peeledObjectId ? { peeledObjectId: ref.peeledObjectId } : {}),
    ...(creator ? { creator: identityReference(state, ado, creator) } : {}),
    url,
    ...(o.links
      ? {
          _links: {
            self: { href: url },
            repository: { href: repositoryApiUrl(ado, repository) },
            ...(creator ? { creator: { href: `${ado.baseUrl}/_apis/Identities/${creator}` } } : {}),
          },
        }
      : {}),
  };
}

export async function refRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const REFS = '/_apis/git/repositories/:repositoryId/refs';

  atBothLevels(app, 'GET', REFS, CODE_READ_CACHED, async (request, reply) => {
    const { ado } = request;
    const { repositoryId } = request.params as { repositoryId: string };
    const get = queryOf(request);
    const filter = get('filter');
    const filterContains = get('filterContains');
    const myBranches = booleanParam(get, 'includeMyBranches');
    const peel = booleanParam(get, 'peelTags');
    const links = booleanParam(get, 'includeLinks');
    booleanParam(get, 'includeStatuses');
    booleanParam(get, 'latestStatusesOnly');
    let top = intParam(get, '$top');
    const token = get('continuationToken') || undefined;
    if (myBranches) {
      if (filter || filterContains) throw AdoErrors.invalidArgumentValue('filter', 'The filter cannot be specified when includeMyBranches is true.');
      if (top !== undefined || token !== undefined) throw AdoErrors.badRequest("Pagination is not supported when 'includeMyBranches' is requested.");
    }
    // As Azure DevOps: a token alone pages by 100, $top <= 0 means no limit, and $top is capped at 1000.
    if (token !== undefined && (top === undefined || top === 0)) top = TOKEN_PAGE;
    if (top !== undefined) top = top <= 0 ? undefined : Math.min(top, MAX_TOP);

    const { project, repository } = repositoryInScope(request, repositoryId);
    const [refs, summary] = await Promise.all([ctx.repos.refs(repository), ctx.repos.summary(repository)]);
    const creators = refCreators(repository);
    let selected: GitRefInfo[];
    if (myBranches) {
      const me = ado.identity!.id;
      selected = refs.filter((r) => r.name.startsWith('refs/heads/') && (creators.get(r.name) === me || r.name === summary.defaultBranch));
    } else {
      const prefix = filter ? `refs/${filter.trim()}` : 'refs/';
      const contains = filterContains?.toLowerCase();
      selected = refs.filter(
        (r) => r.name.toLowerCase().startsWith(prefix.toLowerCase()) && (contains === undefined || r.name.slice(5).toLowerCase().includes(contains)),
      );
    }
    // The token is the name of the first ref of the next page, so pages stay stable while refs come and go.
    if (token !== undefined) selected = selected.filter((r) => r.name >= token);
    if (top !== undefined && selected.length > top) {
      reply.header('x-ms-continuationtoken', selected[top]!.name);
      selected = selected.slice(0, top);
    }
    const value = selected.map((r) => refJson(ctx.store.state, ado, project, repository, r, creators.get(r.name), { peel, links }));
    return sendJson(reply, { value, count: value.length });
  });

  atBothLevels(app, 'POST', REFS, CODE_WRITE, async (request, reply) => {
    const { ado } = request;
    const { repositoryId } = request.params as { repositoryId: string };
    const body = request.body;
    if (!Array.isArray(body) || body.length === 0) {
      throw AdoErrors.badRequest('Value cannot be null or empty.\r\nParameter name: refUpdates', 'ArgumentNullException');
    }
    const updates = body.map((u: unknown) => {
      if (typeof u !== 'object' || u === null || typeof (u as { name?: unknown }).name !== 'string') {
        throw AdoErrors.badRequest('Value cannot be null.\r\nParameter name: refUpdates', 'ArgumentNullException');
      }
      const x = u as { name: string; oldObjectId?: unknown; newObjectId?: unknown };
      return { name: x.name, oldObjectId: checkObjectId(x.oldObjectId), newObjectId: checkObjectId(x.newObjectId) };
    });
    const seen = new Set<string>();
    for (const u of updates) {
      if (seen.has(u.name.toLowerCase())) {
        throw AdoErrors.badRequest(
          `The ref '${u.name}' was specified for an update more than once in the same request, which is unsupported. Please retry your request with a maximum of one update per ref.`,
        );
      }
      seen.add(u.name.toLowerCase());
    }
    const { repository } = repositoryInScope(request, repositoryId);
    const identityId = ado.identity!.id;
    const canWrite = ado.host.members.includes(identityId);
    const git = ctx.repos.git(repository);

    const statuses = await serializeWrites(repository.id, async () => {
      const result = new Map<string, UpdateStatus>();
      await ctx.repos.recordingPush(repository, identityId, async () => {
        const current = new Map((await git.listRefs()).map((r) => [r.name, r.objectId]));
        const names = [...current.keys()];
        const apply: typeof updates = [];
        for (const u of updates) {
          const now = current.get(u.name);
          let status: UpdateStatus;
          if (!isValidRefName(u.name)) status = 'invalidRefName';
          else if (u.newObjectId === ZERO_ID && now === undefined) status = 'succeededNonExistentRef';
          else if (u.newObjectId !== ZERO_ID && (await git.resolve(u.newObjectId)) === undefined) status = 'unresolvableToCommit';
          else if ((now ?? ZERO_ID) !== u.oldObjectId) status = 'staleOldObjectId';
          else if (now === undefined && conflicts(names, u.name)) status = 'refNameConflict';
          else if (!canWrite) status = now !== undefined || u.newObjectId === ZERO_ID ? 'writePermissionRequired' : u.name.startsWith('refs/tags/') ? 'createTagPermissionRequired' : 'createBranchPermissionRequired';
          else {
            status = 'succeeded';
            apply.push(u);
          }
          result.set(u.name, status);
        }
        if (apply.length === 0) return;
        if (!(await git.updateRefs(apply))) {
          for (const u of apply) result.set(u.name, 'staleOldObjectId');
          return;
        }
        const branch = apply.find((u) => u.name.startsWith('refs/heads/') && u.newObjectId !== ZERO_ID);
        // The first branch of an empty repository becomes its default branch.
        if (branch && !(await git.defaultBranch())) await git.setDefaultBranch(branch.name);
      });
      return result;
    });

    const value = updates.map((u) => {
      const updateStatus = statuses.get(u.name)!;
      return {
        repositoryId: repository.id,
        name: u.name,
        oldObjectId: u.oldObjectId,
        newObjectId: u.newObjectId,
        isLocked: false,
        updateStatus,
        success: updateStatus === 'succeeded' || updateStatus === 'succeededNonExistentRef',
      };
    });
    return sendJson(reply, { value, count: value.length });
  });
}

/** A new ref may not differ from an existing one only in case, nor be a folder or a file of another ref. */
function conflicts(existing: string[], name: string): boolean {
  const lower = name.toLowerCase();
  return existing.some((e) => {
    const other = e.toLowerCase();
    return other === lower || other.startsWith(`${lower}/`) || lower.startsWith(`${other}/`);
  });
}
