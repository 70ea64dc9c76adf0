// A gzipped tar of one commit's tree: what `.azdoignore` names left out, submodules replaced by their own trees at the
// pinned commits. `git archive` does the work; entries pass through unchanged (same bytes, modes, times, pax header
// naming the commit) or are skipped. Nothing is ever held whole in memory, and the repository is only read.
//
// The first pass is one process, `git archive --format=tar`, through the filter (tar-filter.ts), which learns the
// rules from `.azdoignore` as the archive streams by, into Node's gzip, which compresses on another thread while git
// builds the tar. Only a submodule (or an unusual amount of data ahead of `.azdoignore`) calls for a planned pass:
// `git ls-tree`, the rules, every submodule resolved (fetched) first, then the same copy with each submodule's own
// archive spliced in at its link. Progress, when asked for, counts files as they pass the filter against a count of
// the tree: a `git ls-tree` beside the first pass, the listings a planned pass has anyway.
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { ArchiveProgressMeter, countTreeFiles, type ArchiveProgress } from './archive-progress.js';
import { GitCommandError, spawnGit, type GitChild } from './git-bytes.js';
import { copyFiltered } from './snapshot-copy.js';
import { commitNotInRepository, outputFailure, submodulesMissing } from './snapshot-errors.js';
import { SnapshotOutput } from './snapshot-output.js';
import { gitDirOf, planSnapshot, type SubmoduleReport, type SubmoduleResolver } from './snapshot-plan.js';
import { listTree } from './snapshot-tree.js';
import { PieceList } from './tar-blocks.js';
import { NeedsPlan, type FilterContext, type LinkPlan } from './tar-filter.js';

export type { ArchiveProgress } from './archive-progress.js';
export { IGNORE_FILE } from './snapshot-tree.js';
export type { SubmoduleLink, SubmoduleReport, SubmoduleResolver, SubmoduleSource } from './snapshot-plan.js';

export interface CreateSnapshotOptions {
  /** The repository to read, normally a bare mirror. It is only read. */
  repoPath: string;
  /** A full commit id. */
  commit: string;
  /** The `.tar.gz` to write; replaced only once the new one is complete. */
  out: string;
  /** Fetches or finds each submodule; without it every submodule link is missing. Called at most 4 at a time. */
  submodules?: SubmoduleResolver;
  /** Write the snapshot even if some submodules could not be included (their folders stay empty, as git archive leaves them). */
  allowMissingSubmodules?: boolean;
  /** For git: a partial clone fetches file contents on demand, and needs the remote's credential for it. */
  env?: Record<string, string>;
  /** gzip level 1 to 9 (default 6, as git's). */
  level?: number;
  /**
   * How far the archive has got, on each whole percent (at most every 100 ms before the total is known), ending
   * with 100 once the file is complete. Counting the tree costs a `git ls-tree` beside the archive, so only with this.
   */
  onProgress?(progress: ArchiveProgress): void;
}

export interface SnapshotResult {
  path: string;
  /** Bytes of the archive. */
  size: number;
  commit: string;
  /** Files and symbolic links in the archive, submodules' included. */
  files: number;
  /** Paths `.azdoignore` left out (a left-out submodule counts once). */
  skippedPaths: number;
  /** The commit has an `.azdoignore` at its root. */
  ignoreFile: boolean;
  submodules: SubmoduleReport[];
  durationMs: number;
}

/** The git archive processes of one pass, to stop them all when it ends early or fails. */
class Archives {
  readonly #children: GitChild[] = [];
  readonly #exits: Array<Promise<void>> = [];

  constructor(private readonly env: Record<string, string> | undefined) {}

  open(gitDir: string, commit: string, extra: string[] = []): GitChild {
    const { child, exited } = spawnGit(['archive', '--format=tar', ...extra, commit], { gitDir, ...(this.env ? { env: this.env } : {}) });
    child.stdin.end();
    exited.catch(() => undefined);
    this.#children.push(child);
    this.#exits.push(exited);
    return child;
  }

  /** git's exit codes are the verdict on what it wrote. */
  async done(): Promise<void> {
    await Promise.all(this.#exits);
  }

  /** Stops them all; rejects with a failure of git's own (an unknown commit, say), if one failed before being stopped. */
  async stop(): Promise<void> {
    for (const child of this.#children) if (child.exitCode === null) child.kill();
    const failures = await Promise.all(this.#exits.map((e) => e.then(() => undefined, (error: unknown) => error)));
    const failed = failures.find((f) => f instanceof GitCommandError && f.exitCode !== null);
    if (failed) throw failed;
  }
}

const UNKNOWN_COMMIT = /not a tree object|not a valid object name|bad revision|unknown revision/i;

export async function createSnapshot(options: CreateSnapshotOptions): Promise<SnapshotResult> {
  const started = performance.now();
  const o = { ...options, repoPath: gitDirOf(options.repoPath) };
  const out = path.resolve(o.out);
  const temporary = (): string => `${out}.tmp-${randomBytes(6).toString('hex')}`;
  const explain = (error: unknown): unknown =>
    error instanceof GitCommandError && UNKNOWN_COMMIT.test(error.stderr) ? commitNotInRepository(o.commit) : outputFailure(error, out);
  const result = (ctx: FilterContext, size: number, fields: { ignoreFile: boolean; submodules: SubmoduleReport[] }): SnapshotResult => ({
    path: out,
    size,
    commit: o.commit,
    files: ctx.files,
    skippedPaths: ctx.skipped,
    ...fields,
    durationMs: performance.now() - started,
  });

  /** One pass: the filtered archive into a new file, renamed into place once complete. */
  const pass = async (prepare?: () => Promise<{ links: Map<string, LinkPlan>; rules?: Ignore; totalFiles: number }>) => {
    const file = temporary();
    const output = new SnapshotOutput(file, o.level);
    const archives = new Archives(o.env);
    const meter = o.onProgress ? new ArchiveProgressMeter((p) => o.onProgress?.(p)) : undefined;
    let counting: ReturnType<typeof countTreeFiles> | undefined;
    try {
      let planned: { links: Map<string, LinkPlan>; rules?: Ignore } | undefined;
      if (prepare) {
        // Fail on an unwritable --out now, not after fetching every submodule.
        await output.ready();
        const { totalFiles, ...plan } = await prepare();
        planned = plan;
        if (meter) meter.total = totalFiles;
      } else if (meter) {
        // The planned pass has its listings anyway; the first counts beside the archive rather than before it.
        counting = countTreeFiles(o.repoPath, o.commit, o.env);
        void counting.total.then((n) => (meter.total ??= n ?? null));
      }
      meter?.start();
      const ctx: FilterContext = { out: new PieceList(), discover: planned === undefined, files: 0, skipped: 0, seen: 0, ...planned };
      const open = (gitDir: string, commit: string, prefix?: string) => archives.open(gitDir, commit, prefix ? [`--prefix=${prefix}`] : []).stdout;
      const filter = await copyFiltered(ctx, output, open, { gitDir: o.repoPath, commit: o.commit }, meter && (() => meter.update(ctx.seen)));
      await archives.done();
      await output.finish();
      await rename(file, out);
      if (meter) {
        // A tree smaller than a pipe's buffer can be archived before ls-tree is done; its count is then moments away.
        meter.total ??= (await counting?.total) ?? null;
        meter.finish(ctx.seen);
      }
      return { ctx, size: output.bytes, foundIgnoreFile: filter.foundIgnoreFile };
    } catch (error) {
      counting?.stop();
      await output.abort();
      await rm(file, { force: true });
      await archives.stop().catch((failure: unknown) => Promise.reject(explain(failure)));
      throw error instanceof NeedsPlan ? error : explain(error);
    }
  };

  try {
    const { ctx, size, foundIgnoreFile } = await pass();
    return result(ctx, size, { ignoreFile: foundIgnoreFile, submodules: [] });
  } catch (error) {
    if (!(error instanceof NeedsPlan)) throw error;
  }

  // The planned pass.
  const listing = await listTree(o.repoPath, o.commit, o.env).catch((error: unknown) => Promise.reject(explain(error)));
  let plan: Awaited<ReturnType<typeof planSnapshot>> | undefined;
  const { ctx, size } = await pass(async () => {
    plan = await planSnapshot({ gitDir: o.repoPath, listing, ...(o.env ? { env: o.env } : {}), ...(o.submodules ? { submodules: o.submodules } : {}) });
    if (plan.missing.length > 0 && o.allowMissingSubmodules !== true) throw submodulesMissing(plan.missing);
    return { links: plan.links, ...(plan.rules ? { rules: plan.rules } : {}), totalFiles: plan.totalFiles };
  }).catch((error: unknown) => Promise.reject(error instanceof NeedsPlan ? new Error(`a planned snapshot met an unplanned submodule: ${error.why}`) : error));
  const done = plan!;
  const reports = done.reports.map(({ report, link }) => (link?.status === 'included' ? { ...report, files: link.files } : report));
  reports.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result(ctx, size, { ignoreFile: done.ignoreFile, submodules: reports });
}
