import { generateHistory, ZERO_ID, type GitIdentity, type GitRepo } from '../git/git-repo.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { Repository, User } from '../state/model.js';
import { importHistory, relativeSubmoduleUrl, type BranchPlan, type ImportedHistory, type SeedCommitSpec, type SubmoduleLink } from './seed-git.js';
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

/** A repository being created; `created` resolves to undefined when the seed has no user to push a history with. */
export interface PendingRepository {
  path: string;
  host: string;
  project: string;
  spec: SeedRepository;
  created: Promise<SeededRepository | undefined>;
}

const DAY = 86_400_000;

/**
 * Writes each repository's history as soon as it exists: generated history, commits on the default branch, its
 * submodules, then the other branches. A repository with submodules waits for the repositories they point to.
 */
export function seedHistories(ctx: SimulatorContext, pending: PendingRepository[], authors: GitIdentity[]): Array<Promise<SeededRepository | undefined>> {
  const done = new Map<SeedRepository, Promise<SeededRepository | undefined>>();
  const byName = (host: string, project: string, name: string): PendingRepository | undefined =>
    pending.find((r) => same(r.host, host) && same(r.project, project) && same(r.spec.name, name));
  const targets = (r: PendingRepository): PendingRepository[] =>
    (r.spec.submodules ?? []).flatMap((s) => byName(r.host, s.project ?? r.project, s.repository) ?? []);
  const tipOf = async (host: string, project: string, name: string): Promise<string | undefined> => {
    const target = await byName(host, project, name)?.created.catch(() => undefined);
    if (!target) return undefined;
    // The seed's own push says where the default branch went; only an imported repository needs git to tell.
    const head = `refs/heads/${defaultBranchOf(target.spec)}`;
    const pushed = target.repository.pushes.flatMap((p) => p.refUpdates).filter((u) => u.name === head).at(-1);
    return pushed?.newObjectId ?? ctx.repos.git(target.repository).resolve('HEAD');
  };

  // Seed validation rejected cycles, so waiting on targets always ends.
  const start = (r: PendingRepository): Promise<SeededRepository | undefined> => {
    const existing = done.get(r.spec);
    if (existing) return existing;
    const dependencies = targets(r).map(start);
    const run = (async () => {
      const seeded = await r.created;
      // A target that failed reports its own problem; this one then reports that it has nothing to point to.
      await Promise.allSettled(dependencies);
      if (seeded) await step(r.path, () => seedHistory(ctx, seeded, authors, tipOf));
      return seeded;
    })();
    done.set(r.spec, run);
    return run;
  };
  return pending.map(start);
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
  const git = ctx.repos.git(repository);
  await ctx.repos.exclusive(repository.id, async () => {
    let pushed: ImportedHistory;
    try {
      pushed = await writeHistory(git, spec, plans, authors);
    } finally {
      ctx.repos.invalidate(repository.id);
    }
    await recordPush(ctx, repository, pusher.id, pushed);
  });
}

/** The generated history, then the plans; HEAD moved to a written branch when the default branch was not. */
async function writeHistory(git: GitRepo, spec: SeedRepository, plans: BranchPlan[], authors: GitIdentity[]): Promise<ImportedHistory> {
  const main = defaultBranchOf(spec);
  // A repository the seed has just created has no branches: no need to ask git, as every process counts at startup.
  let refs: Array<{ name: string; objectId: string }> | undefined = spec.fromDirectory === undefined ? [] : undefined;
  let generated: ImportedHistory = { refUpdates: [], commitIds: [] };
  const generatedBranch = spec.generate ? `refs/heads/${spec.generate.branch ?? main}` : undefined;
  if (spec.generate && generatedBranch) {
    const { commits, files } = spec.generate;
    const before = refs ?? (await git.listRefs());
    const old = before.find((r) => r.name === generatedBranch)?.objectId ?? ZERO_ID;
    // Generated history ends before the seed's own commits start, so `git log` reads in date order.
    const startDate = new Date(Date.now() - 30 * DAY - commits * 3_600_000);
    const tip = await generateHistory(git, { branch: generatedBranch, commits, authors, startDate, ...(files !== undefined ? { files } : {}) });
    generated = { refUpdates: [{ name: generatedBranch, oldObjectId: old, newObjectId: tip }], commitIds: await git.newCommits([tip], [old]) };
    refs = [...before.filter((r) => r.name !== generatedBranch), { name: generatedBranch, objectId: tip }];
  }
  const imported = await importHistory(git, plans, refs);
  // HEAD was set to the default branch when the repository was made; point it at a branch that exists instead.
  const written = [generatedBranch, ...plans.map((p) => `refs/heads/${p.branch}`)].filter((b): b is string => b !== undefined);
  if (spec.fromDirectory === undefined && !written.includes(`refs/heads/${main}`) && written[0] !== undefined) await git.setDefaultBranch(written[0]);

  const refUpdates = [...generated.refUpdates];
  for (const u of imported.refUpdates) {
    const earlier = refUpdates.find((g) => g.name === u.name);
    if (earlier) earlier.newObjectId = u.newObjectId;
    else refUpdates.push(u);
  }
  return { refUpdates, commitIds: [...imported.commitIds, ...generated.commitIds] };
}

/**
 * Records the seed's push the way RepositoryRuntime.recordingPush does for pushes over the wire, from what the
 * import reported: that saves three git processes per repository, which a fresh start spends nowhere else.
 */
async function recordPush(ctx: SimulatorContext, repository: Repository, pushedById: string, pushed: ImportedHistory): Promise<void> {
  if (pushed.refUpdates.length === 0) return;
  await ctx.store.mutate(() => {
    repository.pushes.push({ pushId: repository.nextPushId, date: new Date().toISOString(), pushedById, refUpdates: pushed.refUpdates, commitIds: pushed.commitIds });
    repository.nextPushId += 1;
  });
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
