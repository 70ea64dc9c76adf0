import { generateHistory, type GitIdentity } from '../git/git-repo.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { Repository, User } from '../state/model.js';
import { importHistory, relativeSubmoduleUrl, type BranchPlan, type SeedCommitSpec, type SubmoduleLink } from './seed-git.js';
import { defaultBranchOf } from './seed-references.js';
import { SeedError, type SeedCommit, type SeedRepository } from './seed-schema.js';
import { SeedClock, step } from './seed-steps.js';

/** A repository of the seed, created and waiting for its history. */
export interface SeededRepository {
  path: string;
  host: string;
  project: string;
  spec: SeedRepository;
  repository: Repository;
  /** Who pushes the seed's commits: the first seeded user with access to the host. */
  pusher: User;
}

const DAY = 86_400_000;

/**
 * Writes every repository's history at once: generated history, commits on the default branch, its submodules,
 * then the other branches. A repository with submodules waits for the repositories they point to.
 */
export async function seedHistories(ctx: SimulatorContext, repositories: SeededRepository[], authors: GitIdentity[]): Promise<Array<Promise<void>>> {
  const done = new Map<SeedRepository, Promise<void>>();
  const byName = (host: string, project: string, name: string): SeededRepository | undefined =>
    repositories.find((r) => same(r.host, host) && same(r.project, project) && same(r.spec.name, name));
  const targets = (r: SeededRepository): SeededRepository[] =>
    (r.spec.submodules ?? []).flatMap((s) => byName(r.host, s.project ?? r.project, s.repository) ?? []);

  // Seed validation rejected cycles, so waiting on targets always ends; visiting targets first fills `done` in order.
  const start = (r: SeededRepository): Promise<void> => {
    const existing = done.get(r.spec);
    if (existing) return existing;
    const dependencies = targets(r).map(start);
    const run = Promise.all(dependencies).then(() => step(r.path, () => seedHistory(ctx, r, authors, tipOf)));
    done.set(r.spec, run);
    return run;
  };
  const tipOf = async (host: string, project: string, name: string): Promise<string | undefined> => {
    const target = byName(host, project, name);
    return target && ctx.repos.git(target.repository).resolve('HEAD');
  };
  return repositories.map(start);
}

async function seedHistory(
  ctx: SimulatorContext,
  r: SeededRepository,
  authors: GitIdentity[],
  tipOf: (host: string, project: string, repository: string) => Promise<string | undefined>,
): Promise<void> {
  const { spec, repository, pusher } = r;
  const main = defaultBranchOf(spec);
  const clock = new SeedClock(new Date(Date.now() - 30 * DAY));
  const identity = (c: SeedCommit): GitIdentity => ({
    name: c.author?.name ?? pusher.displayName,
    email: c.author?.email ?? pusher.uniqueName,
    date: c.date !== undefined ? new Date(c.date) : clock.tick(),
  });
  const specs = (commits: SeedCommit[] | undefined): SeedCommitSpec[] =>
    (commits ?? []).map((c) => ({ message: c.message, files: c.files ?? {}, author: identity(c) }));

  const plans: BranchPlan[] = [];
  if (spec.commits?.length || spec.submodules?.length) plans.push({ branch: main, commits: specs(spec.commits) });
  if (spec.submodules?.length) {
    const links: SubmoduleLink[] = [];
    for (const [i, s] of spec.submodules.entries()) {
      const project = s.project ?? r.project;
      const commitId = await tipOf(r.host, project, s.repository);
      if (!commitId) throw new SeedError([`${r.path}.submodules[${i}].repository: '${s.repository}' has no commit to point to`]);
      links.push({ path: s.path, url: s.url ?? relativeSubmoduleUrl(r.project, project, s.repository), commitId });
    }
    const message = `Add submodule${links.length > 1 ? 's' : ''} ${links.map((l) => l.path).join(', ')}`;
    (plans[0] as BranchPlan).submodules = { links, message, author: { name: pusher.displayName, email: pusher.uniqueName, date: clock.tick() } };
  }
  for (const b of spec.branches ?? []) plans.push({ branch: b.name, from: b.from ?? main, commits: specs(b.commits) });
  if (!spec.generate && plans.length === 0) return;

  // Everything the seed writes arrives as one push, like `git push --all` of a repository made elsewhere.
  await ctx.repos.recordingPush(repository, pusher.id, async () => {
    const git = ctx.repos.git(repository);
    if (spec.generate) {
      const { commits, files } = spec.generate;
      // Generated history ends before the seed's own commits start, so `git log` reads in date order.
      const startDate = new Date(Date.now() - 30 * DAY - commits * 3_600_000);
      await generateHistory(git, { branch: spec.generate.branch ?? main, commits, authors, startDate, ...(files !== undefined ? { files } : {}) });
    }
    await importHistory(git, plans);
    if ((await git.defaultBranch()) === undefined) {
      const first = (await git.listRefs()).find((ref) => ref.name.startsWith('refs/heads/'));
      if (first) await git.setDefaultBranch(first.name);
    }
  });
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
