import type { SimulatorContext } from '../runtime/context.js';
import { abandonPullRequest, completePullRequest, createPullRequest } from '../services/pull-requests.js';
import { findHost } from '../state/lookup.js';
import type { User } from '../state/model.js';
import { defaultBranchOf } from './seed-references.js';
import type { SeededRepository } from './seed-repositories.js';
import { step } from './seed-steps.js';

/**
 * Opens the seed's pull requests through the same service the REST API uses, then completes (a real merge into the
 * target) or abandons those the seed says. One at a time in seed order, so that their ids are the same on every run.
 */
export async function seedPullRequests(ctx: SimulatorContext, seeded: SeededRepository[], userNamed: (name: string) => User | undefined): Promise<void> {
  for (const r of seeded) {
    for (const [i, pr] of (r.spec.pullRequests ?? []).entries()) {
      await step(`${r.path}.pullRequests[${i}]`, async () => {
        const creator = (pr.createdBy !== undefined ? userNamed(pr.createdBy) : undefined) ?? r.pusher;
        const host = findHost(ctx.store.state, r.host);
        if (!host) throw new Error(`no organization or collection named '${r.host}'`);
        const created = await createPullRequest(ctx, { host, repository: r.repository }, creator.id, {
          sourceRefName: fullBranch(pr.source),
          targetRefName: fullBranch(pr.target ?? defaultBranchOf(r.spec)),
          title: pr.title,
          ...(pr.description !== undefined ? { description: pr.description } : {}),
          ...(pr.isDraft !== undefined ? { isDraft: pr.isDraft } : {}),
        });
        const where = { repository: r.repository, pullRequest: created };
        if (pr.status === 'abandoned') await abandonPullRequest(ctx, where, creator.id);
        if (pr.status === 'completed') {
          if (created.mergeStatus === 'conflicts') throw new Error(`'${pr.source}' conflicts with its target, so the pull request cannot be completed`);
          await completePullRequest(ctx, where, creator.id, { ...(created.lastMergeSourceCommit ? { lastMergeSourceCommitId: created.lastMergeSourceCommit } : {}) });
        }
      });
    }
  }
}

function fullBranch(name: string): string {
  return name.startsWith('refs/') ? name : `refs/heads/${name}`;
}
