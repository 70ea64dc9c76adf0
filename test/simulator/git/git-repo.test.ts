import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GitError,
  GitRepo,
  type GitRepoError,
  ZERO_ID,
  generateHistory,
  type GitChange,
  type GitIdentity,
} from '../../../simulator/git/git-repo.js';
import { runGit } from '../../../simulator/git/run-git.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true, maxRetries: 5 })));
});

async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'azdo-git-repo-test-'));
  dirs.push(d);
  return d;
}

async function newRepo(branch?: string): Promise<GitRepo> {
  return GitRepo.initBare(path.join(await tempDir(), 'repo.git'), branch);
}

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
function who(name: string, email: string, minutes = 0): GitIdentity {
  return { name, email, date: new Date(T0 + minutes * 60_000) };
}
const alice = (m = 0) => who('Alice Admin', 'alice@fabrikam.com', m);
const bob = (m = 0) => who('Bob Builder', 'Bob.Builder@Contoso.com', m);

const add = (p: string, content: string | Buffer): GitChange => ({
  changeType: 'add',
  path: p,
  content: Buffer.isBuffer(content) ? content : Buffer.from(content),
});
const edit = (p: string, content: string): GitChange => ({ changeType: 'edit', path: p, content: Buffer.from(content) });
const del = (p: string): GitChange => ({ changeType: 'delete', path: p });
const rename = (sourcePath: string, p: string): GitChange => ({ changeType: 'rename', sourcePath, path: p });

/** A commit where only the tree and message matter. */
async function commit(repo: GitRepo, parentId: string | undefined, changes: GitChange[], message: string, author = alice()) {
  return repo.createCommit({ parentId, changes, message, author });
}

const identityEnv = { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@a', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@a' };

async function catchError(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('GitRepo: empty repositories and refs', () => {
  it('reports a new bare repository as empty, with no default branch, refs or history', async () => {
    const repo = await newRepo();
    expect(await repo.isEmpty()).toBe(true);
    expect(await repo.defaultBranch()).toBeUndefined();
    expect(await repo.listRefs()).toEqual([]);
    expect(await repo.resolve('main')).toBeUndefined();
    expect(await repo.log({})).toEqual({ commits: [] });
  });

  it('reports HEAD\'s branch as default once that branch exists, and follows setDefaultBranch', async () => {
    const repo = await newRepo('trunk');
    const c1 = await commit(repo, undefined, [add('a.txt', 'a')], 'first');
    expect(await repo.updateRef('refs/heads/trunk', c1, ZERO_ID)).toBe(true);
    expect(await repo.isEmpty()).toBe(false);
    expect(await repo.defaultBranch()).toBe('refs/heads/trunk');
    await repo.updateRef('refs/heads/develop', c1);
    await repo.setDefaultBranch('develop');
    expect(await repo.defaultBranch()).toBe('refs/heads/develop');
    await repo.setDefaultBranch('refs/heads/missing');
    expect(await repo.defaultBranch()).toBeUndefined();
  });

  it('lists refs sorted by name with peeled ids only for annotated tags', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('a.txt', 'a')], 'first');
    await repo.updateRef('refs/heads/zeta', c1);
    await repo.updateRef('refs/heads/main', c1);
    await repo.updateRef('refs/tags/light', c1);
    const tagObject = (
      await repo.git(['mktag'], { input: `object ${c1}\ntype commit\ntag v1\ntagger T <t@x> 1700000000 +0000\n\nrelease\n` })
    ).stdout.toString().trim();
    await repo.updateRef('refs/tags/v1', tagObject);
    expect(await repo.listRefs()).toEqual([
      { name: 'refs/heads/main', objectId: c1 },
      { name: 'refs/heads/zeta', objectId: c1 },
      { name: 'refs/tags/light', objectId: c1 },
      { name: 'refs/tags/v1', objectId: tagObject, peeledObjectId: c1 },
    ]);
    expect(await repo.resolve('v1')).toBe(c1);
    expect(await repo.resolve('refs/tags/v1')).toBe(c1);
  });

  it('resolves short and full branch names and commit ids, and nothing for unknown or option-like names', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('a.txt', 'a')], 'first');
    await repo.updateRef('refs/heads/main', c1);
    expect(await repo.resolve('main')).toBe(c1);
    expect(await repo.resolve('refs/heads/main')).toBe(c1);
    expect(await repo.resolve(c1)).toBe(c1);
    expect(await repo.resolve('nope')).toBeUndefined();
    expect(await repo.resolve('1111111111111111111111111111111111111111')).toBeUndefined();
    expect(await repo.resolve('--help')).toBeUndefined();
    const tree = (await repo.getCommit(c1))?.treeId as string;
    expect(await repo.resolve(tree)).toBeUndefined();
  });

  it('updates a ref only when the expected old id matches, and deletes it with a zero new id', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('a.txt', '1')], 'one');
    const c2 = await commit(repo, c1, [edit('a.txt', '2')], 'two');
    expect(await repo.updateRef('refs/heads/main', c1, ZERO_ID)).toBe(true);
    expect(await repo.updateRef('refs/heads/main', c2, ZERO_ID)).toBe(false);
    expect(await repo.updateRef('refs/heads/main', c2, c2)).toBe(false);
    expect(await repo.resolve('main')).toBe(c1);
    expect(await repo.updateRef('refs/heads/main', c2, c1)).toBe(true);
    expect(await repo.resolve('main')).toBe(c2);
    expect(await repo.updateRef('refs/heads/main', ZERO_ID, c1)).toBe(false);
    expect(await repo.updateRef('refs/heads/main', ZERO_ID, c2)).toBe(true);
    expect(await repo.isEmpty()).toBe(true);
  });

  it('applies several ref updates all or nothing', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('a.txt', '1')], 'one');
    const c2 = await commit(repo, c1, [edit('a.txt', '2')], 'two');
    await repo.updateRef('refs/heads/main', c1);
    const ok = await repo.updateRefs([
      { name: 'refs/heads/feature', newObjectId: c2, oldObjectId: ZERO_ID },
      { name: 'refs/heads/main', newObjectId: c2, oldObjectId: c2 },
    ]);
    expect(ok).toBe(false);
    expect(await repo.resolve('refs/heads/feature')).toBeUndefined();
    expect(await repo.resolve('main')).toBe(c1);
  });

  it('rejects short ref names and surfaces git\'s own message when git refuses an update', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('a.txt', '1')], 'one');
    expect(await catchError(repo.updateRef('main', c1))).toMatchObject({ code: 'invalidArgument' });
    const err = await catchError(repo.updateRef('refs/heads/main', '1111111111111111111111111111111111111111'));
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).stderr).toMatch(/nonexistent object|1111111111111111111111111111111111111111/);
    expect((err as GitError).message).toContain((err as GitError).stderr.trim());
  });
});

describe('GitRepo: commits and trees', () => {
  it('creates commits that add, edit, delete and rename files, visible through listTree and readBlob', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('/readme.md', 'My first file!'), add('/tasks.md', '# Tasks')], 'Initial commit.');
    const c2 = await commit(repo, c1, [edit('/tasks.md', '# Tasks\n\n* Item 1'), add('/images/people/default.jpg', Buffer.from([0, 255, 1, 254]))], 'more');
    const c3 = await commit(repo, c2, [rename('/tasks.md', '/tasks/content/activetasks.md'), del('/readme.md')], 'move');

    const c3Info = await repo.getCommit(c3);
    expect(c3Info?.parents).toEqual([c2]);
    expect(await repo.readBlob(c3, '/tasks/content/activetasks.md')).toEqual(Buffer.from('# Tasks\n\n* Item 1'));
    expect(await repo.readBlob(c3, '/images/people/default.jpg')).toEqual(Buffer.from([0, 255, 1, 254]));
    expect(await repo.readBlob(c3, '/readme.md')).toBeUndefined();
    expect(await repo.readBlob(c1, 'readme.md')).toEqual(Buffer.from('My first file!'));
    expect(await repo.readBlob(c3, '/tasks.md')).toBeUndefined();

    const full = await repo.listTree(c3, '/', 'full');
    expect(full?.map((e) => [e.path, e.gitObjectType])).toEqual([
      ['/', 'tree'],
      ['/images', 'tree'],
      ['/images/people', 'tree'],
      ['/images/people/default.jpg', 'blob'],
      ['/tasks', 'tree'],
      ['/tasks/content', 'tree'],
      ['/tasks/content/activetasks.md', 'blob'],
    ]);
    expect(full?.[0]).toEqual({ path: '/', objectId: c3Info?.treeId, gitObjectType: 'tree', mode: '40000' });
    expect(full?.[3]).toMatchObject({ mode: '100644', size: 4 });
    expect(full?.[1]?.size).toBeUndefined();
  });

  it('lists the scope item alone, with its children, or with all descendants by recursion level', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('web/Views/Home/Index.cshtml', 'i'), add('web/Views/Web.config', 'w'), add('web/app.ts', 'a')], 'views');
    expect((await repo.listTree(c1, '/web/Views', 'none'))?.map((e) => e.path)).toEqual(['/web/Views']);
    expect((await repo.listTree(c1, '/web/Views', 'oneLevel'))?.map((e) => e.path)).toEqual([
      '/web/Views',
      '/web/Views/Home',
      '/web/Views/Web.config',
    ]);
    expect((await repo.listTree(c1, 'web/Views/', 'full'))?.map((e) => e.path)).toEqual([
      '/web/Views',
      '/web/Views/Home',
      '/web/Views/Home/Index.cshtml',
      '/web/Views/Web.config',
    ]);
    expect(await repo.listTree(c1, '/web/app.ts', 'full')).toEqual([
      { path: '/web/app.ts', objectId: expect.stringMatching(/^[0-9a-f]{40}$/), gitObjectType: 'blob', mode: '100644', size: 1 },
    ]);
    expect(await repo.listTree(c1, '/web/nope', 'full')).toBeUndefined();
    expect(await repo.listTree(c1, '/web/app.ts/x', 'none')).toBeUndefined();
    expect(await repo.listTree('1111111111111111111111111111111111111111', '/', 'full')).toBeUndefined();
    expect(await repo.listTree('no-such-branch', '/web', 'none')).toBeUndefined();
    expect(await repo.objectType(c1, '/web')).toBe('tree');
    expect(await repo.objectType(c1, '/')).toBe('tree');
    expect(await repo.objectType(c1, '/web/app.ts')).toBe('blob');
    expect(await repo.objectType(c1, '/web/none')).toBeUndefined();
    expect(await repo.readBlob(c1, '/web')).toBeUndefined();
  });

  it('reports submodule links as commit entries', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('a.txt', 'a')], 'one');
    const idx = path.join(await tempDir(), 'index');
    const env = { GIT_INDEX_FILE: idx };
    await repo.git(['read-tree', c1], { env });
    await repo.git(['update-index', '-z', '--index-info'], { env, input: `160000 ${'2'.repeat(40)}\tlib/sub\0` });
    const tree = (await repo.git(['write-tree'], { env })).stdout.toString().trim();
    expect(await repo.objectType(tree, '/lib/sub')).toBe('commit');
    expect(await repo.listTree(tree, '/lib', 'oneLevel')).toEqual([
      expect.objectContaining({ path: '/lib', gitObjectType: 'tree' }),
      { path: '/lib/sub', objectId: '2'.repeat(40), gitObjectType: 'commit', mode: '160000' },
    ]);
  });

  it('gives the same commit id for the same changes, message and dates', async () => {
    const a = await newRepo();
    const b = await newRepo();
    const make = (r: GitRepo) => commit(r, undefined, [add('x/y.txt', 'same')], 'same message', alice(5));
    const id = await make(a);
    expect(await make(b)).toBe(id);
    expect(await make(a)).toBe(id);
  });

  it('refuses to add an existing path, to edit, delete or rename a missing one, and invalid paths', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('a.txt', 'a'), add('dir/b.txt', 'b')], 'one');
    const code = async (changes: GitChange[]) => ((await catchError(commit(repo, c1, changes, 'x'))) as GitRepoError).code;
    expect(await code([add('/a.txt', 'again')])).toBe('itemExists');
    expect(await code([add('/dir', 'file over folder')])).toBe('itemExists');
    expect(await code([edit('/missing.txt', 'x')])).toBe('itemNotFound');
    expect(await code([del('/missing.txt')])).toBe('itemNotFound');
    expect(await code([rename('/missing.txt', '/c.txt')])).toBe('itemNotFound');
    expect(await code([rename('/a.txt', '/dir/b.txt')])).toBe('itemExists');
    expect(await code([add('/../evil', 'x')])).toBe('invalidPath');
    expect(await code([add('/.git/config', 'x')])).toBe('invalidPath');
    expect(await code([add('/a//b', 'x')])).toBe('invalidPath');
    expect(await code([add('/', 'x')])).toBe('invalidPath');
    const badParent = (await catchError(commit(repo, '1111111111111111111111111111111111111111', [], 'x'))) as GitRepoError;
    expect(badParent.code).toBe('refNotFound');
    // Changes apply in order, so a file can be added and then edited in one commit.
    const c2 = await commit(repo, c1, [add('n.txt', '1'), edit('n.txt', '2')], 'add then edit');
    expect((await repo.readBlob(c2, 'n.txt'))?.toString()).toBe('2');
  });

  it('deletes and renames folders with everything below them', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('src/a.ts', 'a'), add('src/lib/b.ts', 'b'), add('srcx.ts', 'x')], 'one');
    const c2 = await commit(repo, c1, [rename('/src', '/app')], 'rename folder');
    expect((await repo.listTree(c2, '/', 'full'))?.filter((e) => e.gitObjectType === 'blob').map((e) => e.path)).toEqual([
      '/app/a.ts',
      '/app/lib/b.ts',
      '/srcx.ts',
    ]);
    const c3 = await commit(repo, c2, [del('/app')], 'delete folder');
    expect((await repo.listTree(c3, '/', 'full'))?.map((e) => e.path)).toEqual(['/', '/srcx.ts']);
  });

  it('handles a commit touching more files than fit on one command line', async () => {
    const repo = await newRepo();
    const names = Array.from({ length: 700 }, (_, i) => `pkg/${String(i).padStart(4, '0')}-${'long-name-'.repeat(8)}.txt`);
    const c1 = await commit(repo, undefined, names.map((n) => add(n, n)), 'many');
    const c2 = await commit(repo, c1, [...names.slice(0, 600).map((n) => edit(n, `${n}!`)), del(names[699] as string)], 'many edits');
    const blobs = (await repo.listTree(c2, '/pkg', 'oneLevel'))?.filter((e) => e.gitObjectType === 'blob');
    expect(blobs).toHaveLength(699);
    expect((await repo.readBlob(c2, names[0] as string))?.toString()).toBe(`${names[0]}!`);
    expect((await repo.readBlob(c2, names[650] as string))?.toString()).toBe(names[650]);
    expect(await repo.changeCounts(c2)).toEqual({ Add: 0, Edit: 600, Delete: 1 });
  });

  it('keeps the file mode of an edited executable', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('run.sh', 'echo 1')], 'one');
    const blob = (await repo.listTree(c1, '/run.sh', 'none'))?.[0]?.objectId as string;
    const env = { GIT_INDEX_FILE: path.join(await tempDir(), 'index') };
    await repo.git(['update-index', '-z', '--index-info'], { env, input: `100755 ${blob}\trun.sh\0` });
    const tree = (await repo.git(['write-tree'], { env })).stdout.toString().trim();
    const c2 = await repo.git(['commit-tree', tree, '-p', c1], { input: 'chmod', env: identityEnv }).then((r) => r.stdout.toString().trim());
    const c3 = await commit(repo, c2, [edit('run.sh', 'echo 2')], 'edit');
    expect((await repo.listTree(c3, '/run.sh', 'none'))?.[0]?.mode).toBe('100755');
  });

  it('returns commit details with author, committer and the message exactly as stored', async () => {
    const repo = await newRepo();
    const c1 = await repo.createCommit({
      changes: [add('a.txt', 'a')],
      message: 'First cut\n',
      author: alice(1),
      committer: bob(2),
    });
    const info = await repo.getCommit(c1);
    expect(info).toEqual({
      commitId: c1,
      treeId: expect.stringMatching(/^[0-9a-f]{40}$/),
      parents: [],
      author: { name: 'Alice Admin', email: 'alice@fabrikam.com', date: new Date(T0 + 60_000) },
      committer: { name: 'Bob Builder', email: 'Bob.Builder@Contoso.com', date: new Date(T0 + 120_000) },
      comment: 'First cut\n',
    });
    expect(await repo.getCommit('1111111111111111111111111111111111111111')).toBeUndefined();
    expect(await repo.getCommit(info?.treeId as string)).toBeUndefined();
    expect(await repo.getCommit('no-such-ref')).toBeUndefined();
  });

  it('round-trips unicode, newlines and control characters in messages, names and paths', async () => {
    const repo = await newRepo();
    const message = 'Ünïcödé ✓ 🚀 李小龙\n\nline two\r\n\ttab \u0001\u001f\u007f %H %x00 %n $(rm -rf /) `x` "q" \'s\'\n';
    const author: GitIdentity = { name: 'Zoë Ñandú 李 "Q" O\'Neil', email: 'zoë+tag@exämple.com', date: new Date(T0) };
    const weird = '/dir with space/ü-*?[x]:colon -dash.txt';
    const c1 = await repo.createCommit({ changes: [add(weird, 'content ✓'), add('/other.txt', 'o')], message, author });
    const c2 = await repo.createCommit({ parentId: c1, changes: [edit('/other.txt', 'p')], message: 'no newline', author });
    await repo.updateRef('refs/heads/main', c2);
    const info = await repo.getCommit(c1);
    expect(info?.comment).toBe(message);
    expect(info?.author.name).toBe(author.name);
    expect(info?.author.email).toBe(author.email);
    expect((await repo.getCommit(c2))?.comment).toBe('no newline');
    expect((await repo.readBlob(c2, weird))?.toString()).toBe('content ✓');
    // A missing path echoed back by git must not be mistaken for a blob header.
    expect(await repo.readBlob(c2, '/x blob 5')).toBeUndefined();
    expect(await repo.readBlob(c2, '/line\nbreak')).toBeUndefined();
    expect((await repo.listTree(c2, '/dir with space', 'oneLevel'))?.map((e) => e.path)).toEqual(['/dir with space', weird]);
    // Pathspec magic is off: the glob characters match only the file itself.
    expect((await repo.log({ ref: 'main', itemPath: weird })).commits.map((c) => c.commitId)).toEqual([c1]);
    const page = await repo.log({ ref: 'main', oldestFirst: true, top: 1 });
    expect(page.commits[0]?.comment).toBe(message);
  });

  it('strips what git cannot store in an identity and rejects NUL in text', async () => {
    const repo = await newRepo();
    const c1 = await repo.createCommit({
      changes: [],
      message: 'empty commit',
      author: { name: 'Eve <evil>\nSecond', email: 'eve@x.com', date: new Date(T0) },
    });
    expect((await repo.getCommit(c1))?.author.name).toBe('Eve evilSecond');
    expect(await catchError(repo.createCommit({ changes: [], message: 'a\0b', author: alice() }))).toMatchObject({
      code: 'invalidArgument',
    });
    expect(await catchError(repo.createCommit({ changes: [], message: 'x', author: who('A\0', 'a@a') }))).toMatchObject({
      code: 'invalidArgument',
    });
  });

  it('counts added, edited and deleted items against the first parent, folders only when they appear or vanish', async () => {
    const repo = await newRepo();
    const c1 = await commit(repo, undefined, [add('a.txt', 'a'), add('src/lib/b.ts', 'b'), add('src/c.ts', 'c')], 'one');
    expect(await repo.changeCounts(c1)).toEqual({ Add: 5, Edit: 0, Delete: 0 });
    const c2 = await commit(repo, c1, [edit('src/c.ts', 'c2'), del('src/lib/b.ts'), add('d.txt', 'd')], 'two');
    expect(await repo.changeCounts(c2)).toEqual({ Add: 1, Edit: 1, Delete: 2 });
    const side = await commit(repo, c1, [add('e.txt', 'e')], 'side');
    const merged = await repo.mergeCommit({ targetId: c2, sourceId: side, message: 'Merged PR 1: side', author: bob() });
    expect(await repo.changeCounts((merged as { commitId: string }).commitId)).toEqual({ Add: 1, Edit: 0, Delete: 0 });
  });

  it('reports the repository size on disk in bytes', async () => {
    const repo = await newRepo();
    const before = await repo.sizeBytes();
    await commit(repo, undefined, [add('big.bin', Buffer.alloc(64 * 1024, 7))], 'big');
    expect(await repo.sizeBytes()).toBeGreaterThan(before);
  });
});

describe('GitRepo: history queries', () => {
  /** main: c1..c6 at minutes 0..5, alternating authors; c3 and c5 touch docs/. */
  async function history() {
    const repo = await newRepo();
    const ids: string[] = [];
    let parent: string | undefined;
    for (let i = 1; i <= 6; i++) {
      const p = i === 3 || i === 5 ? `docs/page${i}.md` : `src/f${i}.ts`;
      const author = i % 2 === 1 ? alice(i - 1) : bob(i - 1);
      parent = await repo.createCommit({ parentId: parent, changes: [add(p, `${i}`)], message: `commit ${i}`, author });
      ids.push(parent);
    }
    await repo.updateRef('refs/heads/main', parent as string);
    return { repo, ids: ids.reverse() /* newest first */ };
  }

  it('pages newest first with skip and top', async () => {
    const { repo, ids } = await history();
    const all = (await repo.log({})).commits.map((c) => c.commitId);
    expect(all).toEqual(ids);
    expect((await repo.log({ ref: 'main', skip: 1, top: 2 })).commits.map((c) => c.commitId)).toEqual(ids.slice(1, 3));
    expect((await repo.log({ ref: 'refs/heads/main', skip: 5, top: 10 })).commits.map((c) => c.commitId)).toEqual(ids.slice(5));
    expect((await repo.log({ ref: 'main', top: 0 })).commits).toEqual([]);
  });

  it('pages oldest first when asked, the first page starting at the root commit', async () => {
    const { repo, ids } = await history();
    const oldest = [...ids].reverse();
    expect((await repo.log({ oldestFirst: true })).commits.map((c) => c.commitId)).toEqual(oldest);
    expect((await repo.log({ oldestFirst: true, top: 2 })).commits.map((c) => c.commitId)).toEqual(oldest.slice(0, 2));
    expect((await repo.log({ oldestFirst: true, skip: 4, top: 5 })).commits.map((c) => c.commitId)).toEqual(oldest.slice(4));
  });

  it('filters by author name or e-mail, case-insensitively and as a substring', async () => {
    const { repo, ids } = await history();
    const alices = [ids[1], ids[3], ids[5]];
    expect((await repo.log({ author: 'alice admin' })).commits.map((c) => c.commitId)).toEqual(alices);
    expect((await repo.log({ author: 'FABRIKAM.COM' })).commits.map((c) => c.commitId)).toEqual(alices);
    expect((await repo.log({ author: 'builder@contoso' })).commits).toHaveLength(3);
    // Regex characters are literal.
    expect((await repo.log({ author: 'e.a' })).commits).toHaveLength(0);
    expect((await repo.log({ author: 'alice', skip: 1, top: 1 })).commits.map((c) => c.commitId)).toEqual([ids[3]]);
  });

  it('filters by date range with both bounds inclusive', async () => {
    const { repo, ids } = await history();
    const q = { fromDate: new Date(T0 + 2 * 60_000), toDate: new Date(T0 + 4 * 60_000) };
    expect((await repo.log(q)).commits.map((c) => c.commitId)).toEqual(ids.slice(1, 4));
    expect((await repo.log({ fromDate: new Date(T0 + 2 * 60_000 + 1) })).commits).toHaveLength(3);
    expect((await repo.log({ toDate: new Date(T0 - 1) })).commits).toHaveLength(0);
  });

  it('returns only commits touching an item path, file or folder', async () => {
    const { repo, ids } = await history();
    expect((await repo.log({ itemPath: '/docs' })).commits.map((c) => c.commitId)).toEqual([ids[1], ids[3]]);
    expect((await repo.log({ itemPath: '/docs/page3.md' })).commits.map((c) => c.commitId)).toEqual([ids[3]]);
    expect((await repo.log({ itemPath: '/' })).commits).toHaveLength(6);
    expect((await repo.log({ itemPath: '/nothing' })).commits).toEqual([]);
  });

  it('returns exactly the requested ids, skipping unknown ones', async () => {
    const { repo, ids } = await history();
    const wanted = [ids[4] as string, ids[0] as string, '1111111111111111111111111111111111111111', 'not-an-id'];
    expect((await repo.log({ ids: wanted })).commits.map((c) => c.commitId)).toEqual([ids[0], ids[4]]);
    expect((await repo.log({ ids: wanted, oldestFirst: true })).commits.map((c) => c.commitId)).toEqual([ids[4], ids[0]]);
    expect((await repo.log({ ids: [] })).commits).toEqual([]);
  });

  it('limits history to commits reachable from toCommitId and not from fromCommitId', async () => {
    const { repo, ids } = await history();
    const q = { fromCommitId: ids[4], toCommitId: ids[1] };
    expect((await repo.log(q)).commits.map((c) => c.commitId)).toEqual(ids.slice(1, 4));
    expect((await repo.log({ ref: ids[2] })).commits.map((c) => c.commitId)).toEqual(ids.slice(2));
  });

  it('throws refNotFound for a ref that does not exist', async () => {
    const { repo } = await history();
    expect(await catchError(repo.log({ ref: 'refs/heads/nope' }))).toMatchObject({ code: 'refNotFound' });
    expect(await catchError(repo.log({ ref: 'nope', oldestFirst: true }))).toMatchObject({ code: 'refNotFound' });
    expect(await catchError(repo.log({ ref: '--all' }))).toMatchObject({ code: 'refNotFound' });
  });

  it('lists the commits a push brings, newest first, ignoring zero ids of created refs', async () => {
    const { repo, ids } = await history();
    expect(await repo.newCommits([ids[0] as string], [ids[3] as string])).toEqual(ids.slice(0, 3));
    expect(await repo.newCommits([ids[2] as string], [ZERO_ID])).toEqual(ids.slice(2));
    expect(await repo.newCommits([ZERO_ID], [ids[0] as string])).toEqual([]);
    expect(await repo.newCommits([ids[3] as string], [ids[0] as string])).toEqual([]);
  });
});

describe('GitRepo: merges', () => {
  async function forked() {
    const repo = await newRepo();
    const base = await commit(repo, undefined, [add('shared.txt', 'line 1\nline 2\nline 3\n'), add('keep.txt', 'k')], 'base');
    const target = await commit(repo, base, [add('target.txt', 't')], 'on target');
    const source = await commit(repo, base, [add('source.txt', 's'), edit('shared.txt', 'line 1\nline 2\nline 3 changed\n')], 'on source');
    return { repo, base, target, source };
  }

  it('merges cleanly into a new two-parent commit without touching any ref', async () => {
    const { repo, target, source } = await forked();
    const r = await repo.mergeCommit({ targetId: target, sourceId: source, message: 'Merged PR 7: source', author: bob(30) });
    expect('commitId' in r).toBe(true);
    const merged = await repo.getCommit((r as { commitId: string }).commitId);
    expect(merged?.parents).toEqual([target, source]);
    expect(merged?.comment).toBe('Merged PR 7: source');
    expect(merged?.author.date).toEqual(new Date(T0 + 30 * 60_000));
    const files = (await repo.listTree(merged?.commitId as string, '/', 'oneLevel'))?.map((e) => e.path);
    expect(files).toEqual(['/', '/keep.txt', '/shared.txt', '/source.txt', '/target.txt']);
    expect((await repo.readBlob(merged?.commitId as string, 'shared.txt'))?.toString()).toContain('line 3 changed');
    expect(await repo.listRefs()).toEqual([]);
  });

  it('squashes into a single-parent commit with the merged tree', async () => {
    const { repo, target, source } = await forked();
    const r = (await repo.mergeCommit({ targetId: target, sourceId: source, message: 'squash', author: bob(), squash: true })) as {
      commitId: string;
    };
    const c = await repo.getCommit(r.commitId);
    expect(c?.parents).toEqual([target]);
    expect(await repo.readBlob(r.commitId, 'source.txt')).toEqual(Buffer.from('s'));
  });

  it('creates a merge commit even when the target could fast-forward', async () => {
    const { repo, base, source } = await forked();
    const r = (await repo.mergeCommit({ targetId: base, sourceId: source, message: 'no ff', author: bob() })) as { commitId: string };
    expect((await repo.getCommit(r.commitId))?.parents).toEqual([base, source]);
  });

  it('reports a conflict with the conflicting paths instead of a commit', async () => {
    const { repo, base, target } = await forked();
    const ours = await commit(repo, target, [edit('shared.txt', 'line 1\nline 2\nline 3 on target\n')], 'target edit');
    const theirs = await commit(repo, base, [edit('shared.txt', 'line 1\nline 2\nline 3 on source\n')], 'source edit');
    const r = await repo.mergeCommit({ targetId: ours, sourceId: theirs, message: 'x', author: bob() });
    expect(r).toEqual({ conflict: true, conflictPaths: ['/shared.txt'] });
  });
});

describe('GitRepo: paths and failures', () => {
  it('works with a repository path relative to the current directory', async () => {
    const dir = await tempDir();
    const relative = path.relative(process.cwd(), path.join(dir, 'rel.git'));
    const repo = await GitRepo.initBare(relative);
    const c1 = await commit(repo, undefined, [add('a.txt', 'a')], 'one');
    expect(await repo.updateRef('refs/heads/main', c1)).toBe(true);
    expect(await repo.defaultBranch()).toBe('refs/heads/main');
  });

  it('throws git\'s stderr for a directory that is not a repository instead of answering not found', async () => {
    const repo = new GitRepo(path.join(await tempDir(), 'missing.git'));
    const err = await catchError(repo.resolve('main'));
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).message).toMatch(/not a git repository/);
  });
});

describe('GitRepo: import and generated history', () => {
  it('imports every branch and tag of a working repository made with git, without a remote', async () => {
    const work = await tempDir();
    const env = {
      GIT_AUTHOR_NAME: 'Wendy Worker',
      GIT_AUTHOR_EMAIL: 'wendy@example.com',
      GIT_COMMITTER_NAME: 'Wendy Worker',
      GIT_COMMITTER_EMAIL: 'wendy@example.com',
      GIT_AUTHOR_DATE: '@1700000000 +0000',
      GIT_COMMITTER_DATE: '@1700000000 +0000',
    };
    const git = (...args: string[]) => runGit(args, { cwd: work, env });
    await git('init', '--quiet', '-b', 'develop');
    await fs.writeFile(path.join(work, 'README.md'), '# hello\n');
    await git('add', 'README.md');
    await git('commit', '--quiet', '-m', 'Initial commit');
    await git('branch', 'feature/x');
    await git('tag', '-a', 'v1.0', '-m', 'release 1.0');
    await git('tag', 'light');
    const head = (await git('rev-parse', 'HEAD')).stdout.toString().trim();

    const repo = await GitRepo.cloneBareFrom(work, path.join(await tempDir(), 'imported.git'));
    expect(await repo.defaultBranch()).toBe('refs/heads/develop');
    const refs = await repo.listRefs();
    expect(refs.map((r) => r.name)).toEqual(['refs/heads/develop', 'refs/heads/feature/x', 'refs/tags/light', 'refs/tags/v1.0']);
    expect(refs.find((r) => r.name === 'refs/tags/v1.0')?.peeledObjectId).toBe(head);
    expect(refs.find((r) => r.name === 'refs/tags/light')?.peeledObjectId).toBeUndefined();
    expect((await repo.readBlob('develop', '/README.md'))?.toString()).toBe('# hello\n');
    expect((await repo.getCommit(head))?.comment).toBe('Initial commit\n');
    const remotes = await repo.git(['config', '--get-regexp', '^remote\\.'], { okCodes: [1] });
    expect(remotes.stdout.toString()).toBe('');
  });

  it('generates 2,000 commits with one fast-import and pages through them newest and oldest first', async () => {
    const repo = await newRepo();
    const authors = [alice(), bob(), who('Carol Coder', 'carol@fabrikam.com')];
    const tip = await generateHistory(repo, { branch: 'main', commits: 2000, authors, startDate: new Date(T0), files: 12 });
    expect(await repo.resolve('refs/heads/main')).toBe(tip);
    expect(await repo.defaultBranch()).toBe('refs/heads/main');

    const first = await repo.log({ top: 100 });
    expect(first.commits).toHaveLength(100);
    expect(first.commits[0]?.commitId).toBe(tip);
    expect(first.commits[0]?.author.date).toEqual(new Date(T0 + 1999 * 3600_000));
    const last = await repo.log({ skip: 1950, top: 100 });
    expect(last.commits).toHaveLength(50);
    expect(last.commits.at(-1)?.parents).toEqual([]);
    const oldest = await repo.log({ oldestFirst: true, skip: 100, top: 100 });
    expect(oldest.commits[0]?.comment).toMatch(/\(#101\)\n/);
    expect(oldest.commits[0]?.parents).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/)]);
    expect((await repo.log({ author: 'carol' })).commits).toHaveLength(666);
    const seen = new Set<string>();
    for (let skip = 0; skip < 2000; skip += 500) {
      for (const c of (await repo.log({ skip, top: 500 })).commits) seen.add(c.commitId);
    }
    expect(seen.size).toBe(2000);
    expect((await repo.listTree(tip, '/', 'full'))?.filter((e) => e.gitObjectType === 'blob')).toHaveLength(12);
    expect(await repo.changeCounts(tip)).toEqual({ Add: 0, Edit: 1, Delete: 0 });
  });

  it('extends an existing branch from its tip and produces the same ids for the same input', async () => {
    const a = await newRepo();
    const b = await newRepo();
    const o = { branch: 'refs/heads/main', commits: 50, authors: [alice()], startDate: new Date(T0) };
    const tipA = await generateHistory(a, o);
    expect(await generateHistory(b, o)).toBe(tipA);
    const tip2 = await generateHistory(a, { ...o, commits: 10, startDate: new Date(T0 + 100 * 3600_000) });
    expect(await a.newCommits([tip2], [tipA])).toHaveLength(10);
    expect((await a.log({})).commits).toHaveLength(60);
  });
});
