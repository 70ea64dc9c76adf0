import { AdoErrors } from '../http/ado-errors.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { Host, PullRequest, PullRequestReviewer, Repository } from '../state/model.js';
import type { CreatePullRequestInput, PullRequestEdits } from './pull-requests.js';
import { isValidRefName } from './pushes.js';

// The checks pull request changes run before anything is written.

const VOTES = new Set([10, 5, 0, -5, -10]);

export function checkEdits(edits: PullRequestEdits): void {
  if (edits.title !== undefined && (typeof edits.title !== 'string' || edits.title.trim() === '')) {
    throw AdoErrors.invalidArgumentValue('title', 'The title of a pull request cannot be empty.');
  }
  if (edits.title !== undefined && edits.title.length > 400) throw AdoErrors.invalidArgumentValue('title', 'The title of a pull request is limited to 400 characters.');
  if (edits.description !== undefined && typeof edits.description !== 'string') throw AdoErrors.invalidArgumentValue('description');
  if (edits.description !== undefined && edits.description.length > 4000) {
    throw AdoErrors.invalidArgumentValue('description', 'The description of a pull request is limited to 4000 characters.');
  }
  if (edits.isDraft !== undefined && typeof edits.isDraft !== 'boolean') throw AdoErrors.invalidArgumentValue('isDraft');
}

export function pick(input: PullRequestEdits): PullRequestEdits {
  const edits: PullRequestEdits = {};
  if (input.title !== undefined) edits.title = input.title;
  if (input.description !== undefined) edits.description = input.description;
  if (input.isDraft !== undefined) edits.isDraft = input.isDraft;
  return edits;
}

export function checkReviewers(ctx: SimulatorContext, reviewers: NonNullable<CreatePullRequestInput['reviewers']>): PullRequestReviewer[] {
  const state = ctx.store.state;
  const out: PullRequestReviewer[] = [];
  for (const r of reviewers) {
    const id = typeof r?.id === 'string' ? r.id.toLowerCase() : '';
    const known = state.users.find((u) => u.id.toLowerCase() === id) ?? state.servicePrincipals.find((p) => p.id.toLowerCase() === id);
    if (!known) throw AdoErrors.invalidArgumentValue('reviewers', `The reviewer '${String(r?.id)}' is not a known identity.`);
    const vote = r.vote ?? 0;
    if (!VOTES.has(vote)) throw AdoErrors.invalidArgumentValue('vote', `A vote is one of 10, 5, 0, -5 or -10, not ${String(vote)}.`);
    if (out.some((x) => x.id === known.id)) continue;
    out.push({ id: known.id, vote, ...(r.isRequired ? { isRequired: true } : {}) });
  }
  return out;
}

export async function requireBranches(ctx: SimulatorContext, repository: Repository, ...names: string[]): Promise<void> {
  const refs = await ctx.repos.refs(repository);
  for (const name of names) {
    if (!name.startsWith('refs/heads/') || !isValidRefName(name) || !refs.some((r) => r.name === name)) throw AdoErrors.pullRequestCannotBeActivated();
  }
}

export function activeDuplicate(repository: Repository, source: string, target: string): PullRequest | undefined {
  const s = source.toLowerCase();
  const t = target.toLowerCase();
  return repository.pullRequests.find((p) => p.status === 'active' && p.sourceRefName.toLowerCase() === s && p.targetRefName.toLowerCase() === t);
}

export function highestPullRequestId(host: Host): number {
  let max = 0;
  for (const p of host.projects) for (const r of p.repositories) for (const pr of r.pullRequests) max = Math.max(max, pr.pullRequestId);
  return max;
}

export function shortName(refName: string): string {
  return refName.replace(/^refs\/heads\//, '');
}
