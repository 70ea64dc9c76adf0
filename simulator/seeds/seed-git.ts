import { ZERO_ID, type GitIdentity, type GitRepo } from '../git/git-repo.js';
import { toGitPath } from '../git/repo-input.js';

// A repository's seeded history in one `git fast-import` run: every commit, branch and submodule link (a gitlink,
// mode 160000, which GitRepo.createCommit does not write) in a single process and pack. Seeding commit by commit
// through plumbing costs about seven git processes per commit, which made the demo seed take seconds.

export interface SeedCommitSpec {
  message: string;
  /** Path to content; null deletes the file or folder. */
  files: Record<string, string | null>;
  author: GitIdentity;
}

export interface SubmoduleLink {
  path: string;
  url: string;
  commitId: string;
}

export interface BranchPlan {
  branch: string;
  /** For a branch the repository does not have yet: the branch it starts from (one earlier in the plan, or existing). */
  from?: string;
  commits: SeedCommitSpec[];
  /** Added by one more commit on top of `commits`, with `.gitmodules`. */
  submodules?: { links: SubmoduleLink[]; message: string; author: GitIdentity };
}

/** What the stream knows of a branch: its tip (an id or a fast-import mark) and where its .gitmodules comes from. */
interface Line {
  tip?: string;
  /** The commit on disk this branch's history in the stream starts from. */
  diskBase?: string;
  /** .gitmodules as the stream last wrote it; read from `diskBase` when never written. */
  gitmodules?: string;
}

/** What one import changed, as a push records it: ref updates, and the new commits newest first. */
export interface ImportedHistory {
  refUpdates: Array<{ name: string; oldObjectId: string; newObjectId: string }>;
  commitIds: string[];
}

/**
 * Writes the plans in order, in one fast-import run that also moves the branches, and asks fast-import itself for
 * the ids it made (get-mark), so that no further git process is needed to record the push. `refs` are the
 * repository's branches when the caller knows them (a repository it has just made).
 */
export async function importHistory(git: GitRepo, plans: BranchPlan[], refs?: Array<{ name: string; objectId: string }>): Promise<ImportedHistory> {
  const before = refs ?? (await git.listRefs());
  const lines = new Map<string, Line>(before.map((r) => [r.name, { tip: r.objectId, diskBase: r.objectId }]));
  let stream = '';
  let mark = 0;

  for (const plan of plans) {
    const ref = `refs/heads/${plan.branch}`;
    let line = lines.get(ref);
    if (line === undefined && plan.from !== undefined) {
      const source = lines.get(`refs/heads/${plan.from}`);
      if (source?.tip === undefined) throw new Error(`branch '${plan.from}' does not exist to start '${plan.branch}' from`);
      line = { ...source };
      if (plan.commits.length === 0 && !plan.submodules) stream += `reset ${ref}\nfrom ${source.tip}\n\n`;
    }
    const current: Line = line ?? {};
    lines.set(ref, current);

    const commit = (message: string, author: GitIdentity, operations: string): void => {
      mark += 1;
      const who = `${clean(author.name)} <${clean(author.email)}> ${Math.floor(author.date.getTime() / 1000)} +0000`;
      stream += `commit ${ref}\nmark :${mark}\nauthor ${who}\ncommitter ${who}\n${data(message)}`;
      stream += current.tip === undefined ? '' : `from ${current.tip}\n`;
      stream += `${operations}\n`;
      current.tip = `:${mark}`;
    };
    for (const c of plan.commits) {
      let operations = '';
      for (const [itemPath, content] of Object.entries(c.files)) {
        const rel = toGitPath(itemPath);
        if (content === null) operations += `D ${quote(rel)}\n`;
        else operations += `M 100644 inline ${quote(rel)}\n${data(content)}`;
        if (rel === '.gitmodules') current.gitmodules = content ?? '';
      }
      commit(c.message, c.author, operations);
    }
    if (plan.submodules) {
      const { links, message, author } = plan.submodules;
      const rels = links.map((l) => toGitPath(l.path));
      const existing = current.gitmodules ?? (current.diskBase ? ((await git.readBlob(current.diskBase, '/.gitmodules'))?.toString('utf8') ?? '') : '');
      current.gitmodules = existing + links.map((l, i) => `[submodule "${rels[i]}"]\n\tpath = ${rels[i]}\n\turl = ${l.url}\n`).join('');
      const gitlinks = links.map((l, i) => `M 160000 ${l.commitId} ${quote(rels[i] as string)}\n`).join('');
      commit(message, author, `M 100644 inline .gitmodules\n${data(current.gitmodules)}${gitlinks}`);
    }
  }
  if (stream === '') return { refUpdates: [], commitIds: [] };
  const marks = Array.from({ length: mark }, (_, i) => `get-mark :${i + 1}\n`).join('');
  const out = await git.git(['fast-import', '--quiet', '--done'], { input: Buffer.from(`${stream}${marks}done\n`, 'utf8') });
  const ids = out.stdout.toString('utf8').split('\n').slice(0, mark);
  const resolve = (tip: string): string => (tip.startsWith(':') ? (ids[Number(tip.slice(1)) - 1] as string) : tip);
  const old = new Map(before.map((r) => [r.name, r.objectId]));
  const refUpdates: ImportedHistory['refUpdates'] = [];
  for (const [name, line] of lines) {
    if (line.tip === undefined) continue;
    const newObjectId = resolve(line.tip);
    const oldObjectId = old.get(name) ?? ZERO_ID;
    if (newObjectId !== oldObjectId) refUpdates.push({ name, oldObjectId, newObjectId });
  }
  return { refUpdates, commitIds: ids.reverse() };
}

/**
 * The URL Azure DevOps users write in .gitmodules: relative to the superproject's own remote, so one file works
 * over HTTPS and SSH and on every host name. Git resolves it against `.../{project}/_git/{repo}`.
 */
export function relativeSubmoduleUrl(fromProject: string, toProject: string, toRepository: string): string {
  const repository = encodeURIComponent(toRepository);
  if (fromProject.toLowerCase() === toProject.toLowerCase()) return `../${repository}`;
  return `../../../${encodeURIComponent(toProject)}/_git/${repository}`;
}

function data(s: string): string {
  return `data ${Buffer.byteLength(s, 'utf8')}\n${s}\n`;
}

/** fast-import reads a path to the end of the line; one with a newline or a leading quote must be C-quoted. */
function quote(p: string): string {
  return /[\n"\\]/.test(p) ? `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"` : p;
}

/** fast-import rejects "<", ">" and newlines in an identity where commit-tree would strip them. */
function clean(s: string): string {
  return s.replace(/[<>\n]/g, '').trim();
}
