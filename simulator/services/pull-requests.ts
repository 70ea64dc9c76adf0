import { randomUUID } from 'node:crypto';
import { GitError, ZERO_ID, type GitIdentity, type MergeResult } from '../git/git-repo.js';
import { AdoErrors } from '../http/ado-errors.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { Host, Project, PullRequest, Repository } from '../state/model.js';
import { activeDuplicate, checkEdits, checkReviewers, highestPullRequestId, pick, requireBranches, shortName } from './pull-request-checks.js';
import { gitIdentityOf, serializeWrites } from './pushes.js';

/**
 * Pull requests as Azure DevOps runs them: ids unique per organization or collection, the commits and a trial merge
 * recomputed whenever the source or target branch moves, and completion as a real merge (or squash) that moves the
 * target branch and is recorded as a push. REST routes and the control API call the same functions; every check
 * runs before anything changes.
 */

export interface PullRequestTarget {
  repository: Repository;
  pullRequest: PullRequest;
}

export interface CreatePullRequestInput {
  sourceRefName: string;
  targetRefName: string;
  title: string;
  description?: string;
  isDraft?: boolean;
  reviewers?: Array<{ id: string; vote?: number; isRequired?: boolean }>;
}

export interface PullRequestEdits {
  title?: string;
  description?: string;
  isDraft?: boolean;
}

export interface CompletionOptions {
  /** The source commit the caller reviewed; completing fails with 409 when the branch has moved since. */
  lastMergeSourceCommitId?: string;
  squash?: boolean;
  deleteSourceBranch?: boolean;
  mergeCommitMessage?: string;
}

export interface UpdatePullRequestInput extends PullRequestEdits, CompletionOptions {
  status?: 'active' | 'abandoned' | 'completed';
}

export function findPullRequest(projects: readonly Project[], id: number): (PullRequestTarget & { project: Project }) | undefined {
  for (const project of projects) {
    for (const repository of project.repositories) {
      const pullRequest = repository.pullRequests.find((p) => p.pullRequestId === id);
      if (pullRequest) return { project, repository, pullRequest };
    }
  }
  return undefined;
}

export async function createPullRequest(
  ctx: SimulatorContext,
  where: { host: Host; repository: Repository },
  creatorId: string,
  input: CreatePullRequestInput,
): Promise<PullRequest> {
  const { host, repository } = where;
  checkEdits(input);
  if (typeof input.title !== 'string' || input.title.trim() === '') throw AdoErrors.invalidArgumentValue('title', 'A pull request needs a title.');
  const source = input.sourceRefName;
  const target = input.targetRefName;
  for (const [name, value] of [['sourceRefName', source], ['targetRefName', target]] as const) {
    if (typeof value !== 'string' || value === '') throw AdoErrors.invalidArgumentValue(name, `The pull request needs a ${name} such as refs/heads/main.`);
  }
  if (source.toLowerCase() === target.toLowerCase()) {
    throw AdoErrors.invalidArgumentValue('targetRefName', 'The source and target branch of a pull request cannot be the same.');
  }
  const reviewers = checkReviewers(ctx, input.reviewers ?? []);
  await requireBranches(ctx, repository, source, target);
  if (activeDuplicate(repository, source, target)) throw AdoErrors.pullRequestExists();

  const pullRequest = await ctx.store.mutate((state) => {
    // Checked again here, synchronously: another request may have opened the same pull request meanwhile.
    if (activeDuplicate(repository, source, target)) throw AdoErrors.pullRequestExists();
    const id = state.nextPullRequestId[host.id] ?? highestPullRequestId(host) + 1;
    state.nextPullRequestId[host.id] = id + 1;
    const pr: PullRequest = {
      pullRequestId: id,
      title: input.title,
      description: input.description ?? '',
      sourceRefName: source,
      targetRefName: target,
      status: 'active',
      isDraft: input.isDraft === true,
      createdById: creatorId,
      creationDate: new Date().toISOString(),
      mergeStatus: 'queued',
      mergeId: randomUUID(),
      reviewers,
      commitIds: [],
    };
    repository.pullRequests.push(pr);
    return pr;
  });
  return refreshPullRequest(ctx, repository, pullRequest);
}

/**
 * Recomputes an active pull request's commits and trial merge when its source or target branch has moved since the
 * last time (any push, whichever way it came in). Azure DevOps does this in the background; the simulator does it
 * when the pull request is read, so what a client sees is always current.
 */
export async function refreshPullRequest(ctx: SimulatorContext, repository: Repository, pr: PullRequest): Promise<PullRequest> {
  if (pr.status !== 'active') return pr;
  const refs = await ctx.repos.refs(repository);
  const source = refs.find((r) => r.name === pr.sourceRefName)?.objectId;
  const target = refs.find((r) => r.name === pr.targetRefName)?.objectId;
  // A deleted branch leaves the pull request as it was last seen, as in Azure DevOps.
  if (!source || !target) return pr;
  if (pr.mergeStatus !== 'queued' && source === pr.lastMergeSourceCommit && target === pr.lastMergeTargetCommit) return pr;

  const commitIds = await ctx.repos.git(repository).newCommits([source], [target]);
  const trial = await tryMerge(ctx, repository, {
    targetId: target,
    sourceId: source,
    message: `Merge pull request ${pr.pullRequestId} from ${shortName(pr.sourceRefName)} into ${shortName(pr.targetRefName)}`,
    author: gitIdentityOf(ctx.store.state, pr.createdById),
  });
  await ctx.store.mutate(() => {
    if (pr.status !== 'active') return;
    pr.commitIds = commitIds;
    pr.lastMergeSourceCommit = source;
    pr.lastMergeTargetCommit = target;
    pr.mergeStatus = mergeStatusOf(trial);
    if ('commitId' in trial) pr.lastMergeCommit = trial.commitId;
    else delete pr.lastMergeCommit;
  });
  return pr;
}

type MergeOutcome = MergeResult | { failure: true };

/** git refuses some merges outright (unrelated histories); Azure DevOps reports those as mergeStatus 'failure'. */
async function tryMerge(
  ctx: SimulatorContext,
  repository: Repository,
  o: { targetId: string; sourceId: string; message: string; author: GitIdentity; squash?: boolean },
): Promise<MergeOutcome> {
  try {
    return await ctx.repos.git(repository).mergeCommit(o);
  } catch (e) {
    if (e instanceof GitError) return { failure: true };
    throw e;
  }
}

function mergeStatusOf(outcome: MergeOutcome): PullRequest['mergeStatus'] {
  if ('commitId' in outcome) return 'succeeded';
  return 'conflict' in outcome ? 'conflicts' : 'failure';
}

/** `PATCH .../pullrequests/{id}`: edits, then the status change the body asks for, all checked first. */
export async function updatePullRequest(ctx: SimulatorContext, where: PullRequestTarget, actorId: string, input: UpdatePullRequestInput): Promise<PullRequest> {
  const pr = where.pullRequest;
  checkEdits(input);
  const edits: PullRequestEdits = pick(input);
  switch (input.status) {
    case 'completed':
      return completePullRequest(ctx, where, actorId, input, edits);
    case 'abandoned':
      return abandonPullRequest(ctx, where, actorId, edits);
    case 'active':
      if (pr.status !== 'active') return reactivatePullRequest(ctx, where, edits);
      break;
    case undefined:
      break;
    default:
      throw AdoErrors.invalidArgumentValue('status', `'${String(input.status)}' is not a status a pull request can be set to.`);
  }
  if (pr.status !== 'active' && Object.keys(edits).length > 0) throw AdoErrors.pullRequestNotEditable();
  await ctx.store.mutate(() => Object.assign(pr, edits));
  return refreshPullRequest(ctx, where.repository, pr);
}

/**
 * Merges the source into the target (a two-parent merge, or one squashed commit), moves the target branch with a
 * compare-and-swap recorded as a push, and closes the pull request. A merge with conflicts changes no branch: the pull
 * request stays active with mergeStatus 'conflicts', as Azure DevOps leaves it.
 */
export async function completePullRequest(
  ctx: SimulatorContext,
  where: PullRequestTarget,
  actorId: string,
  options: CompletionOptions,
  edits: PullRequestEdits = {},
): Promise<PullRequest> {
  const { repository, pullRequest: pr } = where;
  checkEdits(edits);
  if (pr.status !== 'active') throw AdoErrors.pullRequestNotEditable();
  if (edits.isDraft ?? pr.isDraft) {
    throw AdoErrors.invalidArgumentValue('isDraft', 'A draft pull request cannot be completed; publish it first (isDraft: false).');
  }
  const reviewed = options.lastMergeSourceCommitId?.toLowerCase();
  if (!reviewed || !/^[0-9a-f]{40}$/.test(reviewed)) {
    throw AdoErrors.invalidArgumentValue('lastMergeSourceCommit', 'Completing a pull request needs lastMergeSourceCommit: {"commitId": "<the source branch commit you reviewed>"}.');
  }

  return serializeWrites(repository.id, async () => {
    if (pr.status !== 'active') throw AdoErrors.pullRequestNotEditable();
    const git = ctx.repos.git(repository);
    const refs = new Map((await git.listRefs()).map((r) => [r.name, r.objectId]));
    const source = refs.get(pr.sourceRefName);
    const target = refs.get(pr.targetRefName);
    if (!source || !target) throw AdoErrors.pullRequestCannotBeActivated();
    if (source !== reviewed) {
      throw AdoErrors.conflict(
        `The source branch ${pr.sourceRefName} has moved to ${source} since the pull request was read (lastMergeSourceCommit ${reviewed}). Get the pull request again, review the new commits and retry.`,
        'GitPullRequestStaleException',
      );
    }
    const title = edits.title ?? pr.title;
    const commitIds = await git.newCommits([source], [target]);
    const merge = await tryMerge(ctx, repository, {
      targetId: target,
      sourceId: source,
      message: options.mergeCommitMessage ?? `Merged PR ${pr.pullRequestId}: ${title}`,
      author: gitIdentityOf(ctx.store.state, actorId),
      squash: options.squash === true,
    });
    if (!('commitId' in merge)) {
      await ctx.store.mutate(() => {
        Object.assign(pr, edits, { mergeStatus: mergeStatusOf(merge), lastMergeSourceCommit: source, lastMergeTargetCommit: target, commitIds });
        delete pr.lastMergeCommit;
      });
      return pr;
    }
    await ctx.repos.recordingPush(repository, actorId, async () => {
      if (!(await git.updateRef(pr.targetRefName, merge.commitId, target))) throw AdoErrors.refStale(pr.targetRefName);
    });
    await ctx.store.mutate(() => {
      Object.assign(pr, edits, {
        status: 'completed',
        closedDate: new Date().toISOString(),
        closedById: actorId,
        mergeStatus: 'succeeded',
        lastMergeSourceCommit: source,
        lastMergeTargetCommit: target,
        lastMergeCommit: merge.commitId,
        commitIds,
      });
    });
    if (options.deleteSourceBranch) {
      // A separate push, as in Azure DevOps; if someone pushed to the branch meanwhile it is kept.
      await ctx.repos.recordingPush(repository, actorId, async () => {
        await git.updateRef(pr.sourceRefName, ZERO_ID, source);
      });
    }
    return pr;
  });
}

export async function abandonPullRequest(ctx: SimulatorContext, where: PullRequestTarget, actorId: string, edits: PullRequestEdits = {}): Promise<PullRequest> {
  const pr = where.pullRequest;
  checkEdits(edits);
  if (pr.status !== 'active') throw AdoErrors.pullRequestNotEditable();
  await ctx.store.mutate(() => {
    Object.assign(pr, edits, { status: 'abandoned', closedDate: new Date().toISOString(), closedById: actorId });
  });
  return pr;
}

/** Abandoned pull requests can be reactivated when both branches still exist and no other active one covers them. */
export async function reactivatePullRequest(ctx: SimulatorContext, where: PullRequestTarget, edits: PullRequestEdits = {}): Promise<PullRequest> {
  const { repository, pullRequest: pr } = where;
  checkEdits(edits);
  if (pr.status === 'active') return pr;
  if (pr.status !== 'abandoned') throw AdoErrors.pullRequestNotEditable();
  await requireBranches(ctx, repository, pr.sourceRefName, pr.targetRefName);
  if (activeDuplicate(repository, pr.sourceRefName, pr.targetRefName)) throw AdoErrors.pullRequestExists();
  await ctx.store.mutate(() => {
    if (activeDuplicate(repository, pr.sourceRefName, pr.targetRefName)) throw AdoErrors.pullRequestExists();
    Object.assign(pr, edits, { status: 'active', mergeStatus: 'queued' });
    delete pr.closedDate;
    delete pr.closedById;
  });
  return refreshPullRequest(ctx, repository, pr);
}
