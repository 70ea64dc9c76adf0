import path from 'node:path';
import { GitRepo, type GitRefInfo } from '../git/git-repo.js';
import type { Push, RefUpdate, Repository } from '../state/model.js';
import type { StateStore } from '../state/state-store.js';

const ZERO = '0000000000000000000000000000000000000000';

export interface RepositorySummary {
  defaultBranch?: string;
  size: number;
}

/**
 * Gives access to each repository's bare git directory, with the reads that listings repeat (refs, default branch,
 * size) cached until the repository changes, and records every change of refs as an Azure DevOps push.
 */
export class RepositoryRuntime {
  private readonly refsCache = new Map<string, Promise<GitRefInfo[]>>();
  private readonly summaryCache = new Map<string, Promise<RepositorySummary>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly baseline = new Map<string, Promise<GitRefInfo[]>>();

  constructor(private readonly store: StateStore) {}

  pathOf(repository: Repository): string {
    return path.join(this.store.reposDir(), repository.dir);
  }

  git(repository: Repository): GitRepo {
    return new GitRepo(this.pathOf(repository));
  }

  refs(repository: Repository): Promise<GitRefInfo[]> {
    let cached = this.refsCache.get(repository.id);
    if (!cached) {
      cached = this.git(repository).listRefs();
      cached.catch(() => this.refsCache.delete(repository.id));
      this.refsCache.set(repository.id, cached);
    }
    return cached;
  }

  summary(repository: Repository): Promise<RepositorySummary> {
    let cached = this.summaryCache.get(repository.id);
    if (!cached) {
      const git = this.git(repository);
      cached = Promise.all([git.defaultBranch(), git.sizeBytes()]).then(([defaultBranch, size]) =>
        defaultBranch ? { defaultBranch, size } : { size },
      );
      cached.catch(() => this.summaryCache.delete(repository.id));
      this.summaryCache.set(repository.id, cached);
    }
    return cached;
  }

  /** Bumped whenever any repository's refs may have changed, for caches of answers built from them. */
  version = 0;

  invalidate(repositoryId: string): void {
    this.version += 1;
    this.refsCache.delete(repositoryId);
    this.summaryCache.delete(repositoryId);
  }

  /** Runs ref-changing work one at a time per repository, so the before/after comparison of a push is exact. */
  async exclusive<T>(repositoryId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(repositoryId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    this.locks.set(repositoryId, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(repositoryId) === run) this.locks.delete(repositoryId);
    }
  }

  /**
   * Runs a change of refs (a REST push, a completed pull request) and records what changed as a push, so that the
   * REST API shows the same history whichever way the change came in.
   */
  async recordingPush(repository: Repository, pushedById: string, change: () => Promise<void>): Promise<Push | undefined> {
    await this.baselineRefs(repository);
    try {
      await change();
    } finally {
      this.invalidate(repository.id);
    }
    return this.recordChange(repository, pushedById);
  }

  /**
   * The refs as of the last recorded change. Git pushes over HTTP and SSH change refs inside git itself; the
   * transports call this before handing the repository to git, and recordChange after, so the push that git made
   * is found by comparing with it.
   */
  baselineRefs(repository: Repository): Promise<GitRefInfo[]> {
    let known = this.baseline.get(repository.id);
    if (!known) {
      known = this.git(repository).listRefs();
      known.catch(() => this.baseline.delete(repository.id));
      this.baseline.set(repository.id, known);
    }
    return known;
  }

  /** Compares the refs with the baseline and records the difference as one push by `pushedById`. */
  async recordChange(repository: Repository, pushedById: string): Promise<Push | undefined> {
    return this.exclusive(repository.id, async () => {
      this.invalidate(repository.id);
      const git = this.git(repository);
      const before = await this.baselineRefs(repository);
      const after = await git.listRefs();
      this.baseline.set(repository.id, Promise.resolve(after));
      const updates = diffRefs(before, after);
      if (updates.length === 0) return undefined;
      const commitIds = await git.newCommits(
        updates.map((u) => u.newObjectId).filter((id) => id !== ZERO),
        before.map((r) => r.objectId),
      );
      return this.store.mutate(() => {
        const push: Push = {
          pushId: repository.nextPushId,
          date: new Date().toISOString(),
          pushedById,
          refUpdates: updates,
          commitIds,
        };
        repository.nextPushId += 1;
        repository.pushes.push(push);
        return push;
      });
    });
  }
}

export function diffRefs(before: GitRefInfo[], after: GitRefInfo[]): RefUpdate[] {
  const old = new Map(before.map((r) => [r.name, r.objectId]));
  const now = new Map(after.map((r) => [r.name, r.objectId]));
  const updates: RefUpdate[] = [];
  for (const [name, newObjectId] of now) {
    const oldObjectId = old.get(name) ?? ZERO;
    if (oldObjectId !== newObjectId) updates.push({ name, oldObjectId, newObjectId });
  }
  for (const [name, oldObjectId] of old) {
    if (!now.has(name)) updates.push({ name, oldObjectId, newObjectId: ZERO });
  }
  return updates;
}

export { ZERO as ZERO_OBJECT_ID };
