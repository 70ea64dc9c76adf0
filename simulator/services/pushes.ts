import { GitRepoError, ZERO_ID, type GitChange, type GitIdentity, type GitRepo } from '../git/git-repo.js';
import { AdoErrors, AdoHttpError } from '../http/ado-errors.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { Push, Repository, SimulatorState } from '../state/model.js';

export interface PushRefUpdateInput {
  name: string;
  /** The commit the ref points to now (40 zeros when it does not exist); for a new branch, the commit to start from. */
  oldObjectId: string;
  /** Only for pushes without commits: where the ref moves (40 zeros deletes it). */
  newObjectId?: string;
}

export interface PushCommitInput {
  comment: string;
  changes: GitChange[];
  author?: GitIdentity;
  committer?: GitIdentity;
}

export interface CreatePushInput {
  refUpdates: PushRefUpdateInput[];
  commits: PushCommitInput[];
}

export interface CreatedPush {
  push: Push;
  /** The commits this push created, in the order given. */
  commitIds: string[];
}

const chains = new Map<string, Promise<unknown>>();

/**
 * Runs the simulator's own ref changes (REST pushes, pull request completions) one at a time per repository, so a
 * compare-and-swap failure is always another client's doing and each change is recorded as its own push.
 */
export async function serializeWrites<T>(repositoryId: string, work: () => Promise<T>): Promise<T> {
  const previous = chains.get(repositoryId) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(work);
  chains.set(repositoryId, run);
  try {
    return await run;
  } finally {
    if (chains.get(repositoryId) === run) chains.delete(repositoryId);
  }
}

/** The git author Azure DevOps writes for an identity: its display name and sign-in address. */
export function gitIdentityOf(state: SimulatorState, id: string, date = new Date()): GitIdentity {
  const user = state.users.find((u) => u.id === id);
  if (user) return { name: user.displayName, email: user.uniqueName, date };
  const principal = state.servicePrincipals.find((p) => p.id === id);
  if (principal) return { name: principal.displayName, email: `${principal.appId}@${principal.tenantId}`, date };
  return { name: 'Unknown identity', email: id, date };
}

/** git check-ref-format's rules, which Azure DevOps enforces too; only full names (refs/...) are accepted. */
export function isValidRefName(name: string): boolean {
  if (!/^refs\/[^/]/.test(name) || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|\/\/|@\{/.test(name)) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.'));
}

function refNameError(name: string): AdoHttpError {
  return AdoErrors.invalidArgumentValue('refUpdates', `The ref name '${name}' is not valid. Use a full name such as refs/heads/main.`);
}

/**
 * Creates the commits of a push (`POST .../pushes`) on top of the ref's current commit and moves the ref with a
 * compare-and-swap, recorded as one push. Everything is checked before the ref moves: a stale `oldObjectId` is
 * TF401028 (409), bad changes are 400s, and the repository is left as it was.
 */
export async function createPush(ctx: SimulatorContext, repository: Repository, pusherId: string, input: CreatePushInput): Promise<CreatedPush> {
  if (input.refUpdates.length === 0) throw AdoErrors.invalidArgumentValue('refUpdates', 'A push needs at least one ref update.');
  for (const u of input.refUpdates) {
    if (!isValidRefName(u.name)) throw refNameError(u.name);
    if (!/^[0-9a-f]{40}$/i.test(u.oldObjectId)) throw AdoErrors.invalidArgumentValue('oldObjectId', `'${u.oldObjectId}' is not a valid object id.`);
  }
  if (new Set(input.refUpdates.map((u) => u.name.toLowerCase())).size !== input.refUpdates.length) {
    throw AdoErrors.invalidArgumentValue('refUpdates', 'A push can update each ref only once.');
  }
  if (input.commits.length > 0 && input.refUpdates.length !== 1) {
    throw AdoErrors.invalidArgumentValue('refUpdates', 'A push with commits must update exactly one ref.');
  }

  return serializeWrites(repository.id, async () => {
    const git = ctx.repos.git(repository);
    const current = new Map((await git.listRefs()).map((r) => [r.name, r.objectId]));
    const planned = await planRefUpdates(git, input, current);
    const commitIds: string[] = [];
    if (input.commits.length > 0) {
      const update = planned[0]!;
      let parent = update.base === ZERO_ID ? undefined : update.base;
      for (const commit of input.commits) {
        parent = await createOneCommit(ctx, git, repository, pusherId, commit, parent);
        commitIds.push(parent);
      }
      update.newObjectId = parent!;
    }

    const updates = planned.map((u) => ({ name: u.name, newObjectId: u.newObjectId, oldObjectId: u.expectedOld }));
    const push = await ctx.repos.recordingPush(repository, pusherId, async () => {
      if (!(await git.updateRefs(updates))) throw AdoErrors.refStale(updates[0]!.name);
      const branch = updates.find((u) => u.name.startsWith('refs/heads/') && u.newObjectId !== ZERO_ID);
      // The first branch pushed to an empty repository becomes its default branch, as in Azure DevOps.
      if (branch && !(await git.defaultBranch())) await git.setDefaultBranch(branch.name);
    });
    return { push: push ?? findRecordedPush(repository, updates), commitIds };
  });
}

interface PlannedUpdate {
  name: string;
  /** What the ref must still point to when it moves (zeros: must not exist). */
  expectedOld: string;
  /** The parent of the first new commit. */
  base: string;
  newObjectId: string;
}

async function planRefUpdates(git: GitRepo, input: CreatePushInput, current: Map<string, string>): Promise<PlannedUpdate[]> {
  const planned: PlannedUpdate[] = [];
  for (const u of input.refUpdates) {
    const old = u.oldObjectId.toLowerCase();
    const now = current.get(u.name) ?? ZERO_ID;
    if (input.commits.length > 0) {
      if (now !== ZERO_ID && now !== old) throw AdoErrors.refStale(u.name);
      // A ref that does not exist yet starts from oldObjectId: that is how a push creates a branch from a commit.
      if (now === ZERO_ID && old !== ZERO_ID && (await git.resolve(old)) !== old) throw AdoErrors.gitObjectMissing(old);
      planned.push({ name: u.name, expectedOld: now, base: old, newObjectId: ZERO_ID });
      continue;
    }
    if (u.newObjectId === undefined) {
      throw AdoErrors.invalidArgumentValue('newObjectId', `The ref update of '${u.name}' needs a newObjectId when the push has no commits.`);
    }
    const next = u.newObjectId.toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(next)) throw AdoErrors.invalidArgumentValue('newObjectId', `'${u.newObjectId}' is not a valid object id.`);
    if (now !== old) throw AdoErrors.refStale(u.name);
    if (next === now) throw AdoErrors.invalidArgumentValue('newObjectId', `The ref update of '${u.name}' does not change it.`);
    if (next !== ZERO_ID && (await git.resolve(next)) !== next) throw AdoErrors.gitObjectMissing(next);
    planned.push({ name: u.name, expectedOld: now, base: now, newObjectId: next });
  }
  return planned;
}

async function createOneCommit(
  ctx: SimulatorContext,
  git: GitRepo,
  repository: Repository,
  pusherId: string,
  commit: PushCommitInput,
  parent: string | undefined,
): Promise<string> {
  const pusher = gitIdentityOf(ctx.store.state, pusherId);
  const author = commit.author ?? pusher;
  try {
    return await git.createCommit({
      ...(parent ? { parentId: parent } : {}),
      changes: commit.changes,
      message: commit.comment,
      author,
      committer: commit.committer ?? pusher,
    });
  } catch (e) {
    if (!(e instanceof GitRepoError)) throw e;
    const path = e.path ?? '';
    switch (e.code) {
      case 'itemExists': {
        const change = commit.changes.find((c) => c.path.replace(/^\/*/, '/') === path);
        throw AdoErrors.pushItemExists(path, change?.changeType ?? 'add');
      }
      case 'itemNotFound':
        throw AdoErrors.pushItemNotFound(path, repository.name, parent ?? ZERO_ID);
      case 'refNotFound':
        throw AdoErrors.gitObjectMissing(parent ?? '');
      case 'invalidPath':
        throw AdoErrors.invalidArgumentValue('path', `The path '${path}' is not a valid item path: ${e.message}`);
      default:
        throw AdoErrors.invalidArgumentValue('commits', e.message);
    }
  }
}

/** When a git push over the wire raced ours, both ref moves land in one recorded push; that push is ours too. */
function findRecordedPush(repository: Repository, updates: Array<{ name: string; newObjectId: string }>): Push {
  const first = updates[0]!;
  for (let i = repository.pushes.length - 1; i >= 0; i--) {
    const push = repository.pushes[i]!;
    if (push.refUpdates.some((r) => r.name === first.name && r.newObjectId === first.newObjectId)) return push;
  }
  throw new AdoHttpError(500, 'SimulatorException', 'AzdoConnect.Simulator.SimulatorException', 'The push was applied but could not be recorded.');
}
