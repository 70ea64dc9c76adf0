import type { GitRepo } from './git-repo.js';
import type { GitIdentity } from './git-types.js';
import { streamGit } from './run-git.js';

export interface GenerateHistoryOptions {
  /** "main" or "refs/heads/main"; extended from its current tip when it already exists. */
  branch: string;
  commits: number;
  /** Used in turn, commit by commit. */
  authors: GitIdentity[];
  /** Date of the first commit; each later one is `intervalSeconds` after the previous. Authors' own dates are ignored. */
  startDate: Date;
  /** How many files the history edits (one per commit, in turn); all are created by the first commit. Default 20. */
  files?: number;
  intervalSeconds?: number;
}

const VERBS = ['Fix', 'Add', 'Update', 'Refactor', 'Document', 'Test', 'Tidy', 'Speed up'];
const AREAS = ['login form', 'build script', 'pull request list', 'search', 'settings page', 'API client', 'docs', 'logging'];
/** Commits written per stdin write: large enough to keep git busy, small enough to respect backpressure. */
const BATCH = 250;

/**
 * Writes a long, deterministic history with one `git fast-import` process: the whole stream goes through
 * its stdin and it writes a single pack, so 20,000 commits take seconds where commit-tree per commit would
 * take minutes. Returns the new tip of the branch.
 */
export async function generateHistory(repo: GitRepo, o: GenerateHistoryOptions): Promise<string> {
  if (o.authors.length === 0) throw new Error('generateHistory needs at least one author');
  const ref = o.branch.startsWith('refs/') ? o.branch : `refs/heads/${o.branch}`;
  const files = Math.max(1, o.files ?? 20);
  const interval = o.intervalSeconds ?? 3600;
  const start = Math.floor(o.startDate.getTime() / 1000);
  const parent = await repo.resolve(ref);
  if (o.commits <= 0) return parent ?? '';

  const handle = streamGit(['fast-import', '--quiet', '--done'], { gitDir: repo.path }, () => undefined);
  const write = (s: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (handle.stdin.write(s)) resolve();
      else {
        // git may die mid-stream (bad input); its exit then settles `done`, so don't wait forever for drain.
        handle.done.then(resolve, reject);
        handle.stdin.once('drain', resolve);
      }
    });

  const fileName = (k: number): string => `src/module-${k % 5}/file-${String(k).padStart(3, '0')}.txt`;
  let chunk = '';
  for (let i = 0; i < o.commits; i++) {
    const who = o.authors[i % o.authors.length] as GitIdentity;
    const ident = `${clean(who.name)} <${clean(who.email)}> ${start + i * interval} +0000`;
    const message = `${VERBS[i % VERBS.length]} ${AREAS[(i * 7) % AREAS.length]} (#${i + 1})\n\nGenerated change ${i + 1} of ${o.commits}.\n`;
    chunk += `commit ${ref}\nmark :${i + 1}\nauthor ${ident}\ncommitter ${ident}\n${data(message)}`;
    if (i === 0 && parent !== undefined) chunk += `from ${parent}\n`;
    const touched = i === 0 && parent === undefined ? [...Array(files).keys()] : [i % files];
    for (const k of touched) {
      chunk += `M 100644 inline ${fileName(k)}\n${data(`# ${fileName(k)}\n\nrevision ${i + 1} by ${clean(who.name)}\n`)}`;
    }
    chunk += '\n';
    if ((i + 1) % BATCH === 0) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(`${chunk}done\n`);
  handle.stdin.end();
  await handle.done;
  const tip = await repo.resolve(ref);
  if (tip === undefined) throw new Error(`git fast-import finished but ${ref} does not exist`);
  return tip;
}

function data(s: string): string {
  return `data ${Buffer.byteLength(s, 'utf8')}\n${s}\n`;
}

/** fast-import rejects "<", ">" and newlines inside an identity instead of stripping them like commit-tree. */
function clean(s: string): string {
  return s.replace(/[<>\n]/g, '').trim();
}
