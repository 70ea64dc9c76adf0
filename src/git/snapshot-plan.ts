// What a snapshot with submodules must know before it writes a byte: the `.azdoignore` rules, and for every submodule
// link whether it is left out, included (from which repository) or missing, nested submodules included. Resolving
// them all first lets a snapshot that cannot be complete fail before anything is written, naming every missing one.
import path from 'node:path';
import { statSync } from 'node:fs';
import type { Ignore } from 'ignore';
import { GitCommandError } from './git-bytes.js';
import type { LinkPlan } from './tar-filter.js';
import { SnapshotErrorCodes, type MissingSubmodule } from './snapshot-errors.js';
import { ignoreRules, isIgnored, listTree, readObjects, submoduleUrls, withoutPassword, type TreeListing } from './snapshot-tree.js';

/** A submodule link found in the tree, for the resolver to turn into a repository on disk. */
export interface SubmoduleLink {
  /** Where it sits in the snapshot, e.g. "lib/shared" (for a nested one, the full path from the root). */
  path: string;
  /** As `.gitmodules` writes it: absolute, or relative to the URL of the repository that holds the link. */
  url: string;
  /** The pinned commit. */
  commit: string;
  /** The URL the resolver gave for the submodule holding this link; absent for links of the root repository. */
  parentUrl?: string;
}

export type SubmoduleSource =
  /** A repository (bare or not) that holds `commit`; `url` is its absolute URL, against which nested links resolve. */
  | { repoPath: string; url?: string }
  /** Not included: `skip` says why in a few words, `code` and `hint` come from the resolver's domain. */
  | { skip: string; code?: string; hint?: string };

export type SubmoduleResolver = (link: SubmoduleLink) => Promise<SubmoduleSource>;

export interface SubmoduleReport {
  path: string;
  url: string;
  commit: string;
  /** `ignored`: `.azdoignore` names it; `missing`: could not be included (only with allowMissingSubmodules). */
  status: 'included' | 'ignored' | 'missing';
  /** Files it brought in itself, its own submodules' not counted (included only). */
  files?: number;
  code?: string;
  reason?: string;
}

export interface SnapshotPlan {
  rules?: Ignore;
  ignoreFile: boolean;
  links: Map<string, LinkPlan>;
  /** In the order found; the report is sorted by path. */
  reports: Array<{ report: SubmoduleReport; link?: LinkPlan }>;
  missing: MissingSubmodule[];
  /** Files and symbolic links in the trees the snapshot reads: the root's and every included submodule's. */
  totalFiles: number;
}

interface Level {
  gitDir: string;
  /** "" for the root, "lib/shared/" for a submodule. */
  prefix: string;
  url?: string;
  listing: TreeListing;
  depth: number;
}

/** Nested submodules deeper than this are reported missing: a chain that long is a mistake, and it must end. */
const MAX_DEPTH = 8;
const CONCURRENCY = 4;

/** A bare repository is its own git directory; a checkout keeps it in .git. (One stat, not worth a thread-pool hop.) */
export function gitDirOf(repoPath: string): string {
  const dotGit = path.join(path.resolve(repoPath), '.git');
  return statSync(dotGit, { throwIfNoEntry: false })?.isDirectory() ? dotGit : path.resolve(repoPath);
}

export async function planSnapshot(o: { gitDir: string; listing: TreeListing; env?: Record<string, string>; submodules?: SubmoduleResolver }): Promise<SnapshotPlan> {
  const ignoreFile = o.listing.ignoreFile;
  const objects = ignoreFile ? await readObjects(o.gitDir, [ignoreFile.oid], o.env) : undefined;
  const text = ignoreFile ? objects?.get(ignoreFile.oid)?.toString('utf8') : undefined;
  const plan: SnapshotPlan = { ignoreFile: ignoreFile !== undefined, links: new Map(), reports: [], missing: [], totalFiles: o.listing.files, ...(text !== undefined ? { rules: ignoreRules(text) } : {}) };
  await planLevel(o, plan, [{ gitDir: o.gitDir, prefix: '', listing: o.listing, depth: 0 }]);
  return plan;
}

async function planLevel(o: { env?: Record<string, string>; submodules?: SubmoduleResolver }, plan: SnapshotPlan, levels: Level[]): Promise<void> {
  const candidates: Array<{ level: Level; where: string; url: string | undefined; commit: string }> = [];
  for (const level of levels) {
    if (level.listing.links.length === 0) continue;
    const urls = level.listing.gitmodules ? await submoduleUrls(level.gitDir, level.listing.gitmodules.oid, o.env) : new Map<string, string>();
    for (const link of level.listing.links) {
      const where = `${level.prefix}${link.path}`;
      const url = urls.get(link.path);
      if (!isIgnored(plan.rules, link, level.prefix)) candidates.push({ level, where, url, commit: link.oid });
      else {
        plan.links.set(where, { status: 'ignored' });
        plan.reports.push({ report: { path: where, url: withoutPassword(url ?? ''), commit: link.oid, status: 'ignored' } });
      }
    }
  }

  const next: Level[] = [];
  await eachLimited(candidates, CONCURRENCY, async ({ level, where, url, commit }) => {
    const shown = withoutPassword(url ?? '');
    const miss = (m: Omit<MissingSubmodule, 'path' | 'url'>): void => {
      plan.links.set(where, { status: 'missing' });
      plan.missing.push({ path: where, url: shown, ...m });
      plan.reports.push({ report: { path: where, url: shown, commit, status: 'missing', code: m.code, reason: m.reason } });
    };
    if (url === undefined) {
      return miss({
        code: SnapshotErrorCodes.submoduleNotConfigured,
        reason: '.gitmodules does not say where its repository is',
        hint: 'Add the submodule to .gitmodules (git submodule add), or name its folder in .azdoignore.',
      });
    }
    if (level.depth + 1 >= MAX_DEPTH) return miss({ code: SnapshotErrorCodes.submoduleFetchFailed, reason: `nested more than ${MAX_DEPTH} submodules deep` });
    if (o.submodules === undefined) return miss({ code: SnapshotErrorCodes.submoduleFetchFailed, reason: 'no way to fetch submodules was given' });
    const source = await o.submodules({ path: where, url, commit, ...(level.url !== undefined ? { parentUrl: level.url } : {}) });
    if ('skip' in source) return miss({ code: source.code ?? SnapshotErrorCodes.submoduleFetchFailed, reason: source.skip, ...(source.hint ? { hint: source.hint } : {}) });
    const gitDir = gitDirOf(source.repoPath);
    let listing: TreeListing;
    try {
      listing = await listTree(gitDir, commit, o.env);
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      return miss({ code: SnapshotErrorCodes.submoduleFetchFailed, reason: `its pinned commit ${commit} is not in the repository fetched from ${shown}` });
    }
    const link: LinkPlan = { status: 'included', gitDir, commit, files: 0 };
    plan.links.set(where, link);
    plan.totalFiles += listing.files;
    plan.reports.push({ report: { path: where, url: shown, commit, status: 'included' }, link });
    next.push({ gitDir, prefix: `${where}/`, ...(source.url !== undefined ? { url: source.url } : {}), listing, depth: level.depth + 1 });
  });
  if (next.length > 0) await planLevel(o, plan, next);
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
