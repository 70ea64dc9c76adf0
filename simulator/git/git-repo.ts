import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitRepoError } from './git-repo-error.js';
import { COMMIT_FORMAT, CommitStreamParser, parseCommits, parseLsFiles, parseLsTree } from './git-output.js';
import {
  ZERO_ID,
  type CommitLogQuery,
  type GitChange,
  type GitCommitInfo,
  type GitIdentity,
  type GitRefInfo,
  type GitTreeEntry,
  type MergeResult,
  type RefUpdate,
} from './git-types.js';
import {
  checkDate,
  checkText,
  fullBranch,
  identityEnv,
  isRevision,
  refNotFound,
  shortBranch,
  toGitPath,
  toItemPath,
} from './repo-input.js';
import { GitError, gitText, runGit, streamGit, type GitResult } from './run-git.js';
import { involvedPaths, normalizeChanges, planTreeChanges, type IndexEntry } from './tree-changes.js';

export * from './git-types.js';
export { generateHistory, type GenerateHistoryOptions } from './generate-history.js';
export { GitError } from './run-git.js';
export { GitRepoError, type GitRepoErrorCode } from './git-repo-error.js';

/** git's words (LC_ALL=C) for "that name means nothing here"; anything else from git is a real failure. */
const NOT_AN_OBJECT = /Not a valid object name|not a tree object|bad revision|unknown revision|bad object|invalid object name/i;
const NOT_A_COMMIT = /is a (blob|tree), not a commit|not a commit/i;
/** Above this many paths, ls-files lists the whole index instead of taking them as arguments. */
const MAX_PATHSPECS = 500;

/** A bare repository on disk, driven through the system git's plumbing. */
export class GitRepo {
  readonly path: string;

  // Absolute, because git runs from other working directories (os.tmpdir() for init) where a relative path would
  // name another place.
  constructor(repoPath: string) {
    this.path = path.resolve(repoPath);
  }

  static async initBare(repoPath: string, defaultBranch = 'main'): Promise<GitRepo> {
    await runGit(['init', '--bare', '--quiet', `--initial-branch=${shortBranch(defaultBranch)}`, '--', path.resolve(repoPath)], {
      cwd: os.tmpdir(),
    });
    return new GitRepo(repoPath);
  }

  /** Copies every branch and tag of a local repository (working or bare) into a new bare repository. */
  static async cloneBareFrom(sourceDir: string, repoPath: string): Promise<GitRepo> {
    await runGit(['clone', '--bare', '--quiet', '--no-hardlinks', '--', path.resolve(sourceDir), path.resolve(repoPath)], { cwd: os.tmpdir() });
    const repo = new GitRepo(repoPath);
    // The simulator's repository stands alone; a remote pointing at the import source would leak its path.
    await repo.git(['config', '--remove-section', 'remote.origin'], { okCodes: [128] });
    return repo;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.text(['for-each-ref', '--count=1', '--format=%(refname)'])) === '';
  }

  /**
   * HEAD's branch, once that branch exists. Read from the files git keeps (HEAD, the loose ref, packed-refs) rather
   * than with a git process: it is asked after every push, and a process per push competed with the very fetches
   * that followed it.
   */
  async defaultBranch(): Promise<string | undefined> {
    const head = /^ref: (refs\/heads\/\S+)\s*$/.exec(await fs.readFile(path.join(this.path, 'HEAD'), 'utf8'))?.[1];
    if (head === undefined) return undefined;
    if (await fs.stat(path.join(this.path, head)).then((st) => st.isFile(), () => false)) return head;
    const packed = await fs.readFile(path.join(this.path, 'packed-refs'), 'utf8').catch(() => '');
    return packed.split('\n').some((line) => line.endsWith(` ${head}`)) ? head : undefined;
  }

  async setDefaultBranch(refName: string): Promise<void> {
    await this.git(['symbolic-ref', 'HEAD', fullBranch(refName)]);
  }

  async listRefs(): Promise<GitRefInfo[]> {
    const out = await this.text(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)']);
    if (out === '') return [];
    return out.split('\n').map((line) => {
      const [name = '', objectId = '', peeled = ''] = line.split('\0');
      return peeled === '' ? { name, objectId } : { name, objectId, peeledObjectId: peeled };
    });
  }

  /** The commit a ref, tag (peeled) or id names; undefined when it names nothing or not a commit. */
  async resolve(refOrId: string): Promise<string | undefined> {
    if (!isRevision(refOrId)) return undefined;
    // Exit 1 is "no such commit"; 128 (not a repository, ...) is a real failure and is thrown.
    const r = await this.git(['rev-parse', '--verify', '--quiet', `${refOrId}^{commit}`], { okCodes: [1] });
    return r.exitCode === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  /**
   * One git process whatever the query. Paging happens inside git (--skip/--max-count) except for
   * oldest-first, where git applies --skip/--max-count before --reverse: there we read the reversed stream
   * only as far as the page reaches and then stop git.
   */
  async log(q: CommitLogQuery): Promise<{ commits: GitCommitInfo[] }> {
    const args = ['log', '-z', COMMIT_FORMAT];
    let revs: string[];
    if (q.ids !== undefined) {
      revs = q.ids.filter((id) => /^[0-9a-f]{4,40}$/i.test(id));
      if (revs.length === 0) return { commits: [] };
      args.push('--no-walk', '--ignore-missing');
    } else {
      const start = q.toCommitId ?? q.ref ?? 'HEAD';
      revs = [start];
      if (q.fromCommitId !== undefined) revs.push(`^${q.fromCommitId}`);
      for (const r of revs) if (!isRevision(r.replace(/^\^/, ''))) throw refNotFound(r);
    }
    if (q.author !== undefined && q.author !== '') args.push(`--author=${q.author}`, '--regexp-ignore-case', '--fixed-strings');
    // git dates have whole seconds; round so that both bounds stay inclusive of the instant given.
    if (q.fromDate !== undefined) args.push(`--since-as-filter=@${Math.ceil(checkDate(q.fromDate) / 1000)}`);
    if (q.toDate !== undefined) args.push(`--until=@${Math.floor(checkDate(q.toDate) / 1000)}`);
    const skip = Math.max(0, q.skip ?? 0);
    const top = q.top === undefined ? Infinity : Math.max(0, q.top);
    if (top === 0) return { commits: [] };
    if (q.oldestFirst) args.push('--reverse');
    else {
      if (skip > 0) args.push(`--skip=${skip}`);
      if (top !== Infinity) args.push(`--max-count=${top}`);
    }
    args.push('--end-of-options', ...revs, '--');
    if (q.itemPath !== undefined) {
      const p = toGitPath(q.itemPath, { allowRoot: true });
      if (p !== '') args.push(p);
    }

    try {
      if (!q.oldestFirst) return { commits: parseCommits((await this.git(args)).stdout) };
      return { commits: await this.streamPage(args, skip, top) };
    } catch (e) {
      if (e instanceof GitError && q.ids === undefined) {
        if (q.ref === undefined && q.toCommitId === undefined && /does not have any commits yet|bad revision 'HEAD'|ambiguous argument 'HEAD'/.test(e.stderr)) {
          return { commits: [] };
        }
        if (NOT_AN_OBJECT.test(e.stderr) || /ambiguous argument/.test(e.stderr)) throw refNotFound(revs.join(' '));
      }
      throw e;
    }
  }

  async getCommit(id: string): Promise<GitCommitInfo | undefined> {
    if (!isRevision(id)) return undefined;
    try {
      const out = await this.git(['log', '-z', COMMIT_FORMAT, '--no-walk', '--ignore-missing', '--end-of-options', id, '--']);
      return parseCommits(out.stdout)[0];
    } catch (e) {
      if (e instanceof GitError && (NOT_AN_OBJECT.test(e.stderr) || NOT_A_COMMIT.test(e.stderr))) return undefined;
      throw e;
    }
  }

  /**
   * Counted against the first parent (the empty tree for a root commit), like Azure DevOps. Folders count
   * when they appear or disappear, not when only their contents change; renames count as delete plus add.
   */
  async changeCounts(id: string): Promise<{ Add: number; Edit: number; Delete: number }> {
    const out = await this.git([
      'diff-tree', '-r', '-t', '--raw', '-z', '--no-renames', '--root', '--no-commit-id',
      '--diff-merges=first-parent', '--end-of-options', id,
    ]);
    const counts = { Add: 0, Edit: 0, Delete: 0 };
    const tokens = out.stdout.toString('utf8').split('\0');
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      const [srcMode = '', dstMode = '', , , status = ''] = (tokens[i] ?? '').slice(1).split(' ');
      const isTree = srcMode === '040000' || dstMode === '040000';
      if (status.startsWith('A')) counts.Add++;
      else if (status.startsWith('D')) counts.Delete++;
      else if (!isTree) counts.Edit++;
    }
    return counts;
  }

  /** Commits reachable from `newIds` and not from `oldIds`, newest first; zero ids (created refs) are ignored. */
  async newCommits(newIds: string[], oldIds: string[]): Promise<string[]> {
    const wanted = newIds.filter((id) => id !== ZERO_ID);
    if (wanted.length === 0) return [];
    const input = [...wanted, ...oldIds.filter((id) => id !== ZERO_ID).map((id) => `^${id}`)].join('\n') + '\n';
    const out = await this.text(['rev-list', '--stdin'], { input });
    return out === '' ? [] : out.split('\n');
  }

  /**
   * The item at `scopePath` followed, for a folder, by its children (`oneLevel`) or all its descendants
   * in tree order (`full`), as the items API lists them. Undefined when the commit or the path does not exist.
   */
  async listTree(
    commitish: string,
    scopePath: string,
    recursion: 'none' | 'oneLevel' | 'full',
  ): Promise<GitTreeEntry[] | undefined> {
    const rel = toGitPath(scopePath, { allowRoot: true });
    const scope = await this.statPath(commitish, rel);
    if (scope === undefined) return undefined;
    if (scope.gitObjectType !== 'tree' || recursion === 'none') return [scope];
    const args = ['ls-tree', '-z', '-l', ...(recursion === 'full' ? ['-r', '-t'] : []), '--end-of-options', scope.objectId];
    const prefix = rel === '' ? '' : `${rel}/`;
    return [scope, ...parseLsTree((await this.git(args)).stdout, prefix)];
  }

  async readBlob(commitish: string, itemPath: string): Promise<Buffer | undefined> {
    if (!isRevision(commitish)) return undefined;
    const rel = toGitPath(itemPath, { allowRoot: true });
    // --batch answers "<name> missing" instead of failing, so not-found needs no stderr parsing; -z lets the
    // path hold newlines. The header is matched whole because a missing path may itself contain " blob 5".
    const out = (await this.git(['cat-file', '--batch', '-z'], { input: `${commitish}:${rel}\0` })).stdout;
    const eol = out.indexOf(0x0a);
    const header = /^[0-9a-f]{40,64} blob (\d+)$/.exec(out.subarray(0, eol).toString('utf8'));
    if (header === null) return undefined;
    return out.subarray(eol + 1, eol + 1 + Number(header[1]));
  }

  async objectType(commitish: string, itemPath: string): Promise<'blob' | 'tree' | 'commit' | undefined> {
    return (await this.statPath(commitish, toGitPath(itemPath, { allowRoot: true })))?.gitObjectType;
  }

  /**
   * Builds a commit from the parent's tree and the changes without any working tree: a throwaway index
   * (GIT_INDEX_FILE), hash-object, update-index, write-tree, commit-tree. Dates come from the identities,
   * so the same input always gives the same commit id.
   */
  async createCommit(o: {
    parentId?: string;
    changes: GitChange[];
    message: string;
    author: GitIdentity;
    committer?: GitIdentity;
  }): Promise<string> {
    const changes = normalizeChanges(o.changes);
    checkText(o.message, 'message');
    const parent = o.parentId === undefined ? undefined : await this.resolve(o.parentId);
    if (o.parentId !== undefined && parent === undefined) throw refNotFound(o.parentId);

    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'azdo-sim-commit-'));
    try {
      const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
      if (parent !== undefined) await this.git(['read-tree', parent], { env });
      const existing = parent === undefined || changes.length === 0 ? new Map<string, IndexEntry>() : await this.indexEntries(involvedPaths(changes), env);
      const plan = planTreeChanges(existing, changes);

      const contents = plan.writes.flatMap((w) => ('content' in w.entry ? [w.entry.content] : []));
      const ids = await this.hashBlobs(contents, tmp);
      let next = 0;
      const lines = plan.removals.map((p) => `0 ${ZERO_ID}\t${p}\0`);
      for (const w of plan.writes) {
        const objectId = 'content' in w.entry ? ids[next++] : w.entry.objectId;
        lines.push(`${w.entry.mode} ${objectId}\t${w.path}\0`);
      }
      if (lines.length > 0) await this.git(['update-index', '-z', '--index-info'], { env, input: lines.join('') });
      const tree = await this.text(['write-tree'], { env });
      return await this.commitTree(tree, parent === undefined ? [] : [parent], o.message, o.author, o.committer ?? o.author);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  /** Updates one ref; false when `expectedOldId` no longer matches (a concurrent push won). */
  async updateRef(name: string, newId: string, expectedOldId?: string): Promise<boolean> {
    return this.updateRefs([{ name, newObjectId: newId, oldObjectId: expectedOldId }]);
  }

  /**
   * All or nothing, as a push's refUpdates are: one `update-ref --stdin` transaction. When git refuses, the
   * refs are read back; a stale old id means false, anything else is a real error and is thrown.
   */
  async updateRefs(updates: RefUpdate[]): Promise<boolean> {
    if (updates.length === 0) return true;
    for (const u of updates) {
      // update-ref would happily write "main" as a file beside HEAD; Azure DevOps only knows full names.
      if (!u.name.startsWith('refs/') || /[\0\n]/.test(u.name)) {
        throw new GitRepoError('invalidArgument', `"${u.name}" is not a full ref name such as refs/heads/main.`);
      }
    }
    const input = updates
      .map((u) =>
        u.newObjectId === ZERO_ID
          ? `delete ${u.name}\0${u.oldObjectId ?? ''}\0`
          : `update ${u.name}\0${u.newObjectId}\0${u.oldObjectId ?? ''}\0`,
      )
      .join('');
    try {
      await this.git(['update-ref', '--stdin', '-z'], { input });
      return true;
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
      const current = new Map((await this.listRefs()).map((r) => [r.name, r.objectId]));
      const stale = updates.some((u) => u.oldObjectId !== undefined && (current.get(u.name) ?? ZERO_ID) !== u.oldObjectId);
      if (stale) return false;
      throw e;
    }
  }

  /**
   * Merges `sourceId` into `targetId` in memory (`merge-tree --write-tree`, no working tree) and commits the
   * result: two parents, or only the target's for a squash. Always a new commit, even when a fast-forward
   * would do, like Azure DevOps' default "merge (no fast-forward)".
   */
  async mergeCommit(o: {
    targetId: string;
    sourceId: string;
    message: string;
    author: GitIdentity;
    committer?: GitIdentity;
    squash?: boolean;
  }): Promise<MergeResult> {
    checkText(o.message, 'message');
    const target = await this.resolve(o.targetId);
    const source = await this.resolve(o.sourceId);
    if (target === undefined) throw refNotFound(o.targetId);
    if (source === undefined) throw refNotFound(o.sourceId);
    const r = await this.git(['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', target, source], { okCodes: [1] });
    const [tree = '', ...rest] = r.stdout.toString('utf8').split('\0');
    if (r.exitCode === 1) return { conflict: true, conflictPaths: rest.filter((p) => p !== '').map(toItemPath) };
    const parents = o.squash ? [target] : [target, source];
    return { commitId: await this.commitTree(tree, parents, o.message, o.author, o.committer ?? o.author) };
  }

  /** Bytes the repository's objects take on disk (loose plus packed). */
  /** Bytes of the packs and loose objects, from the file system (as defaultBranch, without a git process). */
  async sizeBytes(): Promise<number> {
    const objects = path.join(this.path, 'objects');
    const sizes = async (dir: string, keep: (name: string) => boolean): Promise<number[]> => {
      const names = (await fs.readdir(dir).catch(() => [] as string[])).filter(keep);
      return Promise.all(names.map((n) => fs.stat(path.join(dir, n)).then((st) => (st.isFile() ? st.size : 0), () => 0)));
    };
    const looseDirs = (await fs.readdir(objects).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{2}$/.test(n));
    const parts = await Promise.all([
      sizes(path.join(objects, 'pack'), (n) => n.endsWith('.pack') || n.endsWith('.idx')),
      ...looseDirs.map((d) => sizes(path.join(objects, d), () => true)),
    ]);
    return parts.flat().reduce((a, b) => a + b, 0);
  }

  /** Runs git against this repository; for callers (routes, seeds) that need plumbing not wrapped here. */
  git(args: readonly string[], o: { input?: Buffer | string; env?: Record<string, string>; okCodes?: number[] } = {}): Promise<GitResult> {
    return runGit(args, { ...o, gitDir: this.path });
  }

  private text(args: readonly string[], o: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<string> {
    return gitText(args, { ...o, gitDir: this.path });
  }

  /** The entry at `rel` in the commit's tree, or undefined when the commit or the path does not exist. */
  private async statPath(commitish: string, rel: string): Promise<GitTreeEntry | undefined> {
    if (!isRevision(commitish)) return undefined;
    try {
      if (rel === '') {
        const tree = await this.git(['rev-parse', '--verify', '--quiet', `${commitish}^{tree}`], { okCodes: [1] });
        if (tree.exitCode !== 0) return undefined;
        return { path: '/', objectId: tree.stdout.toString('utf8').trim(), gitObjectType: 'tree', mode: '40000' };
      }
      const out = await this.git(['ls-tree', '-z', '-l', '--full-tree', '--end-of-options', commitish, '--', rel]);
      return parseLsTree(out.stdout, '').find((e) => e.path === toItemPath(rel));
    } catch (e) {
      if (e instanceof GitError && NOT_AN_OBJECT.test(e.stderr)) return undefined;
      throw e;
    }
  }

  /** Index entries at or below `paths`: what the tree planner needs to check and apply the changes. */
  private async indexEntries(paths: string[], env: Record<string, string>): Promise<Map<string, IndexEntry>> {
    if (paths.length <= MAX_PATHSPECS) {
      return parseLsFiles((await this.git(['ls-files', '-s', '-z', '--', ...paths], { env })).stdout);
    }
    // A push touching thousands of files would overflow the argument list: list everything and filter here.
    const wanted = new Set(paths);
    const all = parseLsFiles((await this.git(['ls-files', '-s', '-z'], { env })).stdout);
    const involved = new Map<string, IndexEntry>();
    for (const [p, entry] of all) {
      for (let at = p.length; at > 0; at = p.lastIndexOf('/', at - 1)) {
        if (wanted.has(p.slice(0, at))) {
          involved.set(p, entry);
          break;
        }
      }
    }
    return involved;
  }

  /** One hash-object process for all new contents, fed through temp files because --stdin takes only one. */
  private async hashBlobs(contents: Buffer[], tmp: string): Promise<string[]> {
    if (contents.length === 0) return [];
    const files = contents.map((_, i) => path.join(tmp, `blob-${i}`));
    // In slices, so that a push of thousands of files does not hold thousands of descriptors open.
    for (let i = 0; i < contents.length; i += 64) {
      await Promise.all(contents.slice(i, i + 64).map((c, j) => fs.writeFile(files[i + j] as string, c)));
    }
    const out = await this.text(['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: files.join('\n') + '\n' });
    return out.split('\n');
  }

  private async commitTree(tree: string, parents: string[], message: string, author: GitIdentity, committer: GitIdentity): Promise<string> {
    const env = { ...identityEnv('AUTHOR', author), ...identityEnv('COMMITTER', committer) };
    const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])];
    return this.text(args, { env, input: Buffer.from(message, 'utf8') });
  }

  private async streamPage(args: string[], skip: number, top: number): Promise<GitCommitInfo[]> {
    const page: GitCommitInfo[] = [];
    let seen = 0;
    const parser = new CommitStreamParser((c) => {
      if (seen++ >= skip && page.length < top) page.push(c);
      if (page.length >= top) handle.stop();
    });
    const handle = streamGit(args, { gitDir: this.path }, (chunk) => parser.push(chunk));
    handle.stdin.end();
    await handle.done;
    if (page.length < top) parser.end();
    return page;
  }
}
