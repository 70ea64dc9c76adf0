// Snapshots of local bare repositories made with the real git, checked with the real tar and against git's own
// reading of gitignore rules (`git check-ignore`).
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshot, type ArchiveProgress, type SubmoduleLink } from '../../src/git/snapshot.js';
import { rejection } from '../helpers/rejection.js';
import { run, tempDir } from '../simulator/helpers.js';
import { bareRepo, COMMIT_DATE, tarFiles, tarList, tarRead, tarVerbose, wideRepo, type FileSpec } from './snapshot-repos.js';

let dir: string;
let cleanup: () => Promise<void>;
let n = 0;
const out = (): string => path.join(dir, `out-${++n}.tar.gz`);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('azdo-snapshot-'));
});

afterAll(async () => {
  await cleanup();
});

const FILES: Record<string, FileSpec> = {
  'README.md': '# app\n',
  'src/main.ts': 'console.log(1);\n',
  'src/util/strings.ts': 'export {};\n',
  'bin/run.sh': { content: '#!/bin/sh\necho run\n', mode: '100755' },
  'latest.md': { content: 'README.md', mode: '120000' },
};

async function gitArchiveFiles(repo: string, commit: string): Promise<string[]> {
  const r = await run('git', ['--git-dir', repo, 'archive', '--format=tar', commit]);
  expect(r.code).toBe(0);
  const list = await run('sh', ['-c', `git --git-dir '${repo}' archive --format=tar ${commit} | tar -tf -`]);
  return list.stdout.split('\n').filter((l) => l !== '' && !l.endsWith('/')).sort();
}

describe('createSnapshot without .azdoignore or submodules', () => {
  it('writes what git archive writes: the same files, modes and links, dated at the commit, naming the commit', async () => {
    const { repo, commit } = await bareRepo(dir, FILES);
    const file = out();
    const result = await createSnapshot({ repoPath: repo, commit, out: file });
    expect(result).toMatchObject({ path: file, commit, files: 5, skippedPaths: 0, ignoreFile: false, submodules: [] });
    expect(result.size).toBe((await readFile(file)).length);
    expect(await tarFiles(file)).toEqual(await gitArchiveFiles(repo, commit));
    expect(await tarRead(file, 'src/main.ts')).toBe('console.log(1);\n');
    const lines = await tarVerbose(file);
    expect(lines.find((l) => l.endsWith(' bin/run.sh'))).toMatch(/^-rwxrwxr-x /);
    expect(lines.find((l) => l.includes(' latest.md'))).toMatch(/^l.* latest.md -> README.md$/);
    expect(lines.every((l) => l.includes('2024-03-01 12:00:00'))).toBe(true);
    const id = await run('sh', ['-c', `gzip -dc '${file}' | git get-tar-commit-id`]);
    expect(id.stdout.trim()).toBe(commit);
  });

  it('holds exactly the tar git archive writes, byte for byte, when nothing is left out', async () => {
    const { repo, commit } = await bareRepo(dir, FILES);
    const file = out();
    await createSnapshot({ repoPath: repo, commit, out: file });
    const ours = await run('sh', ['-c', `gzip -dc '${file}' | sha256sum`]);
    const gits = await run('sh', ['-c', `git --git-dir '${repo}' archive --format=tar ${commit} | sha256sum`]);
    expect(ours.stdout).toBe(gits.stdout);
  });

  it('leaves no temporary file beside the archive', async () => {
    const { repo, commit } = await bareRepo(dir, { 'a.txt': 'a\n' });
    const sub = path.join(dir, 'clean');
    await mkdir(sub);
    await createSnapshot({ repoPath: repo, commit, out: path.join(sub, 'code.tar.gz') });
    expect(await readdir(sub)).toEqual(['code.tar.gz']);
  });

  it('fails with AZDO_VERSION_NOT_FOUND for a commit the repository does not have, writing nothing', async () => {
    const { repo } = await bareRepo(dir, { 'a.txt': 'a\n' });
    const sub = path.join(dir, 'missing-commit');
    await mkdir(sub);
    const error = await rejection(createSnapshot({ repoPath: repo, commit: 'f'.repeat(40), out: path.join(sub, 'x.tar.gz') }));
    expect(error.code).toBe('AZDO_VERSION_NOT_FOUND');
    expect(await readdir(sub)).toEqual([]);
  });

  it('fails with AZDO_SNAPSHOT_OUTPUT_UNWRITABLE, naming --out, when the folder does not exist', async () => {
    const { repo, commit } = await bareRepo(dir, { 'a.txt': 'a\n' });
    const error = await rejection(createSnapshot({ repoPath: repo, commit, out: path.join(dir, 'no', 'such', 'x.tar.gz') }));
    expect(error.code).toBe('AZDO_SNAPSHOT_OUTPUT_UNWRITABLE');
    expect(error.details?.field).toBe('out');
  });

  it('replaces an existing archive only once the new one is complete', async () => {
    const { repo, commit } = await bareRepo(dir, { 'a.txt': 'a\n' });
    const file = out();
    await writeFile(file, 'old archive');
    await rejection(createSnapshot({ repoPath: repo, commit: 'e'.repeat(40), out: file }));
    expect(await readFile(file, 'utf8')).toBe('old archive');
    await createSnapshot({ repoPath: repo, commit, out: file });
    expect(await tarFiles(file)).toEqual(['a.txt']);
  });
});

describe('createSnapshot with .azdoignore', () => {
  const TREE: Record<string, FileSpec> = {
    'README.md': 'r\n',
    'app.log': 'l\n',
    'logs/keep.log': 'k\n',
    'logs/debug.log': 'd\n',
    'build/out.js': 'o\n',
    'build/keep.txt': 'k\n',
    'src/build/gen.ts': 'g\n',
    'src/index.ts': 'i\n',
    'docs/a/b/draft.tmp': 't\n',
    'docs/guide.tmp': 't\n',
    'docs/guide.md': 'm\n',
    'secret.env': 's\n',
    'config/secret.env': 's\n',
    'vendor/lib/x.c': 'x\n',
    'Vendor/y.c': 'y\n',
  };
  const RULES = [
    '# comments and blank lines are ignored',
    '',
    '*.log',
    '!logs/keep.log',
    'build/',
    '!build/keep.txt',
    'docs/**/*.tmp',
    '/secret.env',
    'vendor/',
    '\\#not-a-comment',
  ].join('\n');

  /** The paths real git says these rules ignore, from the same rules as a .gitignore. */
  async function gitIgnored(rules: string, paths: string[]): Promise<Set<string>> {
    const work = path.join(dir, `oracle-${++n}`);
    await run('git', ['init', '-q', work]);
    await writeFile(path.join(work, '.gitignore'), rules);
    const r = await run('sh', ['-c', `printf '%s\\0' "$@" | git -C '${work}' check-ignore --no-index -z --stdin`, 'sh', ...paths]);
    return new Set(r.stdout.split('\0').filter((p) => p !== ''));
  }

  it('leaves out exactly what git itself would ignore with the same rules (negation, directories, nested patterns)', async () => {
    const { repo, commit } = await bareRepo(dir, { ...TREE, '.azdoignore': RULES });
    const file = out();
    const result = await createSnapshot({ repoPath: repo, commit, out: file });
    const paths = Object.keys(TREE);
    const ignored = await gitIgnored(RULES, paths);
    const expected = ['.azdoignore', ...paths.filter((p) => !ignored.has(p))].sort();
    expect(await tarFiles(file)).toEqual(expected);
    expect(result).toMatchObject({ ignoreFile: true, skippedPaths: ignored.size, files: expected.length });
    // Spelled out, so a change in both git and the library cannot pass unnoticed.
    expect(expected).toEqual(['.azdoignore', 'README.md', 'Vendor/y.c', 'config/secret.env', 'docs/guide.md', 'logs/keep.log', 'src/index.ts']);
  });

  it('keeps times, modes and the commit id in the archive as the plain archive has them', async () => {
    const { repo, commit } = await bareRepo(dir, { ...FILES, '.azdoignore': 'src/util/\n' });
    const file = out();
    await createSnapshot({ repoPath: repo, commit, out: file });
    const lines = await tarVerbose(file);
    expect(lines.every((l) => l.includes('2024-03-01 12:00:00'))).toBe(true);
    expect(lines.find((l) => l.endsWith(' bin/run.sh'))).toMatch(/^-rwxrwxr-x /);
    expect(lines.find((l) => l.includes(' latest.md'))).toMatch(/ latest.md -> README.md$/);
    expect(await tarFiles(file)).not.toContain('src/util/strings.ts');
    const id = await run('sh', ['-c', `gzip -dc '${file}' | git get-tar-commit-id`]);
    expect(id.stdout.trim()).toBe(commit);
  });

  it('writes the same bytes every time for the same commit', async () => {
    const { repo, commit } = await bareRepo(dir, { ...FILES, '.azdoignore': '*.md\n' });
    const [a, b] = [out(), out()];
    await createSnapshot({ repoPath: repo, commit, out: a });
    await createSnapshot({ repoPath: repo, commit, out: b });
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
  });

  it('leaves the .azdoignore in the snapshot unless it names itself', async () => {
    const { repo, commit } = await bareRepo(dir, { 'a.txt': 'a\n', '.azdoignore': '.azdoignore\n' });
    const file = out();
    const result = await createSnapshot({ repoPath: repo, commit, out: file });
    expect(await tarFiles(file)).toEqual(['a.txt']);
    expect(result.skippedPaths).toBe(1);
  });

  it('never writes into the repository it reads', async () => {
    const { repo, commit } = await bareRepo(dir, { ...FILES, '.azdoignore': 'src/\n' });
    const before = await run('git', ['--git-dir', repo, 'count-objects', '-v']);
    await createSnapshot({ repoPath: repo, commit, out: out() });
    const after = await run('git', ['--git-dir', repo, 'count-objects', '-v']);
    expect(after.stdout).toBe(before.stdout);
  });

  it('treats an empty .azdoignore as leaving nothing out', async () => {
    const { repo, commit } = await bareRepo(dir, { 'a.txt': 'a\n', '.azdoignore': '' });
    const file = out();
    const result = await createSnapshot({ repoPath: repo, commit, out: file });
    expect(await tarFiles(file)).toEqual(['.azdoignore', 'a.txt']);
    expect(result.skippedPaths).toBe(0);
  });

  it('drops a folder whose every file is left out, as a checkout would not have it', async () => {
    const { repo, commit } = await bareRepo(dir, { 'a.txt': 'a\n', 'logs/x.log': 'x\n', 'logs/deep/y.log': 'y\n', '.azdoignore': '*.log\n' });
    const file = out();
    await createSnapshot({ repoPath: repo, commit, out: file });
    expect(await tarList(file)).toEqual(['.azdoignore', 'a.txt']);
  });

  it('applies the rules to names that come before .azdoignore in the tree, long and non-ASCII names too', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}`;
    const files: Record<string, FileSpec> = {
      '!first.bin': 'b\n',
      '!keep.txt': 'k\n',
      '.DS_Store': 'x\n',
      '.aws/credentials.bin': 'c\n',
      [`${long}/drop.bin`]: 'l\n',
      [`${long}/keep.txt`]: 'l\n',
      'café/menü.bin': 'm\n',
      'café/keep.txt': 'm\n',
      '.azdoignore': '*.bin\n.DS_Store\n',
    };
    const { repo, commit } = await bareRepo(dir, files);
    const file = out();
    const result = await createSnapshot({ repoPath: repo, commit, out: file });
    expect(await tarFiles(file)).toEqual(['!keep.txt', '.azdoignore', `${long}/keep.txt`, 'café/keep.txt'].sort());
    expect(result.skippedPaths).toBe(5);
  });

  it('applies the rules to large files that come before .azdoignore in the tree', async () => {
    const { repo, commit } = await bareRepo(dir, { '!big.bin': 'x'.repeat(9 * 1024 * 1024), '!small.txt': 's\n', 'z.txt': 'z\n', '.azdoignore': '*.bin\n' });
    const file = out();
    const result = await createSnapshot({ repoPath: repo, commit, out: file });
    expect(await tarFiles(file)).toEqual(['!small.txt', '.azdoignore', 'z.txt']);
    expect(result).toMatchObject({ ignoreFile: true, skippedPaths: 1, files: 3 });
  });

  it('honours export-ignore in .gitattributes, as git archive does', async () => {
    const { repo, commit } = await bareRepo(dir, { 'a.txt': 'a\n', 'tests/t.txt': 't\n', '.gitattributes': 'tests/ export-ignore\n', '.azdoignore': '*.md\n' });
    const file = out();
    await createSnapshot({ repoPath: repo, commit, out: file });
    expect(await tarFiles(file)).toEqual(['.azdoignore', '.gitattributes', 'a.txt']);
  });

  it('only reads .azdoignore at the root: one in a folder is an ordinary file', async () => {
    const { repo, commit } = await bareRepo(dir, { 'a.txt': 'a\n', 'sub/.azdoignore': '*\n', 'sub/b.txt': 'b\n' });
    const file = out();
    await createSnapshot({ repoPath: repo, commit, out: file });
    expect(await tarFiles(file)).toEqual(['a.txt', 'sub/.azdoignore', 'sub/b.txt']);
  });
});

describe('createSnapshot with submodules', () => {
  const GITMODULES = '[submodule "shared"]\n\tpath = lib/shared\n\turl = ../shared-lib\n';

  it("replaces each submodule link with the submodule's tree at the pinned commit", async () => {
    const lib = await bareRepo(dir, { 'README.md': '# shared\n', 'src/strings.ts': 'export const trim = 1;\n' });
    const app = await bareRepo(dir, { 'main.ts': 'm\n', '.gitmodules': GITMODULES, 'lib/shared': { link: lib.commit } });
    const links: SubmoduleLink[] = [];
    const file = out();
    const result = await createSnapshot({
      repoPath: app.repo,
      commit: app.commit,
      out: file,
      submodules: async (link) => {
        links.push(link);
        return { repoPath: lib.repo, url: 'https://example.test/p/_git/shared-lib' };
      },
    });
    expect(links).toEqual([{ path: 'lib/shared', url: '../shared-lib', commit: lib.commit }]);
    expect(await tarFiles(file)).toEqual(['.gitmodules', 'lib/shared/README.md', 'lib/shared/src/strings.ts', 'main.ts']);
    expect(await tarRead(file, 'lib/shared/src/strings.ts')).toBe('export const trim = 1;\n');
    expect(result.files).toBe(4);
    expect(result.submodules).toEqual([{ path: 'lib/shared', url: '../shared-lib', commit: lib.commit, status: 'included', files: 2 }]);
  });

  it('follows nested submodules, giving each resolver call the URL of the repository holding the link', async () => {
    const inner = await bareRepo(dir, { 'inner.txt': 'i\n' });
    const lib = await bareRepo(dir, { 'lib.txt': 'l\n', '.gitmodules': '[submodule "deep"]\n\tpath = deep\n\turl = ../inner\n', deep: { link: inner.commit } });
    const app = await bareRepo(dir, { '.gitmodules': GITMODULES, 'lib/shared': { link: lib.commit } });
    const seen: SubmoduleLink[] = [];
    const file = out();
    const result = await createSnapshot({
      repoPath: app.repo,
      commit: app.commit,
      out: file,
      submodules: async (link) => {
        seen.push(link);
        return link.url === '../inner' ? { repoPath: inner.repo, url: 'https://x.test/o/p/_git/inner' } : { repoPath: lib.repo, url: 'https://x.test/o/p/_git/shared-lib' };
      },
    });
    expect(seen[1]).toEqual({ path: 'lib/shared/deep', url: '../inner', commit: inner.commit, parentUrl: 'https://x.test/o/p/_git/shared-lib' });
    expect(await tarFiles(file)).toEqual(['.gitmodules', 'lib/shared/.gitmodules', 'lib/shared/deep/inner.txt', 'lib/shared/lib.txt']);
    expect(result.submodules.map((s) => `${s.path}:${s.status}:${s.files}`)).toEqual(['lib/shared:included:2', 'lib/shared/deep:included:1']);
  });

  it('applies the root .azdoignore inside submodules, and does not fetch a submodule it names', async () => {
    const lib = await bareRepo(dir, { 'README.md': 'r\n', 'src/a.ts': 'a\n' });
    const other = await bareRepo(dir, { 'x.txt': 'x\n' });
    const gitmodules = `${GITMODULES}[submodule "other"]\n\tpath = vendor/other\n\turl = https://dev.azure.com/contoso/P/_git/other\n`;
    const app = await bareRepo(dir, {
      '.gitmodules': gitmodules,
      '.azdoignore': '*.md\nvendor/other/\n',
      'lib/shared': { link: lib.commit },
      'vendor/other': { link: other.commit },
    });
    const asked: string[] = [];
    const file = out();
    const result = await createSnapshot({
      repoPath: app.repo,
      commit: app.commit,
      out: file,
      submodules: async (link) => {
        asked.push(link.path);
        return { repoPath: lib.repo };
      },
    });
    expect(asked).toEqual(['lib/shared']);
    expect(await tarFiles(file)).toEqual(['.azdoignore', '.gitmodules', 'lib/shared/src/a.ts']);
    expect(result.skippedPaths).toBe(2);
    expect(result.submodules).toEqual([
      { path: 'lib/shared', url: '../shared-lib', commit: lib.commit, status: 'included', files: 1 },
      { path: 'vendor/other', url: 'https://dev.azure.com/contoso/P/_git/other', commit: other.commit, status: 'ignored' },
    ]);
  });

  it('fails, writing nothing, when a submodule cannot be included, reporting every one with its code', async () => {
    const lib = await bareRepo(dir, { 'a.txt': 'a\n' });
    const gitmodules = `${GITMODULES}[submodule "two"]\n\tpath = two\n\turl = https://user:hunter2secret@dev.azure.com/contoso/P/_git/two\n`;
    const app = await bareRepo(dir, { '.gitmodules': gitmodules, 'lib/shared': { link: lib.commit }, two: { link: lib.commit } });
    const sub = path.join(dir, 'fails');
    await mkdir(sub);
    const error = await rejection(
      createSnapshot({
        repoPath: app.repo,
        commit: app.commit,
        out: path.join(sub, 'x.tar.gz'),
        submodules: async () => ({ skip: 'it lives in organization "contoso"', code: 'AZDO_SUBMODULE_OTHER_ORGANIZATION', hint: 'Add a connection to it.' }),
      }),
    );
    expect(error.code).toBe('AZDO_SUBMODULE_OTHER_ORGANIZATION');
    expect(error.message).toContain('2 submodules could not be included');
    expect(error.message).toContain('lib/shared (it lives in organization "contoso")');
    expect(error.hint).toMatch(/^Add a connection to it, or pass --allow-missing-submodules/);
    expect(error.details?.submodules).toEqual([
      { path: 'lib/shared', url: '../shared-lib', code: 'AZDO_SUBMODULE_OTHER_ORGANIZATION', reason: 'it lives in organization "contoso"' },
      { path: 'two', url: 'https://user@dev.azure.com/contoso/P/_git/two', code: 'AZDO_SUBMODULE_OTHER_ORGANIZATION', reason: 'it lives in organization "contoso"' },
    ]);
    expect(JSON.stringify(error.details)).not.toContain('hunter2secret');
    expect(await readdir(sub)).toEqual([]);
  });

  it('with allowMissingSubmodules, writes the snapshot with the folder empty and reports the submodule missing', async () => {
    const lib = await bareRepo(dir, { 'a.txt': 'a\n' });
    const app = await bareRepo(dir, { 'main.ts': 'm\n', '.gitmodules': GITMODULES, 'lib/shared': { link: lib.commit } });
    const file = out();
    const result = await createSnapshot({
      repoPath: app.repo,
      commit: app.commit,
      out: file,
      allowMissingSubmodules: true,
      submodules: async () => ({ skip: 'it lives elsewhere', code: 'AZDO_SUBMODULE_OTHER_ORGANIZATION' }),
    });
    expect(await tarList(file)).toContain('lib/shared/');
    expect(await tarFiles(file)).toEqual(['.gitmodules', 'main.ts']);
    expect(result.submodules).toEqual([
      { path: 'lib/shared', url: '../shared-lib', commit: lib.commit, status: 'missing', code: 'AZDO_SUBMODULE_OTHER_ORGANIZATION', reason: 'it lives elsewhere' },
    ]);
  });

  it('reports a submodule link that .gitmodules does not configure as AZDO_SUBMODULE_NOT_CONFIGURED', async () => {
    const lib = await bareRepo(dir, { 'a.txt': 'a\n' });
    const app = await bareRepo(dir, { 'main.ts': 'm\n', orphan: { link: lib.commit } });
    const error = await rejection(createSnapshot({ repoPath: app.repo, commit: app.commit, out: out(), submodules: async () => ({ repoPath: lib.repo }) }));
    expect(error.code).toBe('AZDO_SUBMODULE_NOT_CONFIGURED');
    expect(error.message).toContain('orphan');
  });

  it('reports a pinned commit the fetched repository lacks as AZDO_SUBMODULE_FETCH_FAILED', async () => {
    const lib = await bareRepo(dir, { 'a.txt': 'a\n' });
    const elsewhere = await bareRepo(dir, { 'b.txt': 'b\n' });
    const app = await bareRepo(dir, { '.gitmodules': GITMODULES, 'lib/shared': { link: lib.commit } });
    const error = await rejection(createSnapshot({ repoPath: app.repo, commit: app.commit, out: out(), submodules: async () => ({ repoPath: elsewhere.repo }) }));
    expect(error.code).toBe('AZDO_SUBMODULE_FETCH_FAILED');
    expect(error.message).toContain(`pinned commit ${lib.commit}`);
  });

  it('reports every submodule missing when no resolver is given, rather than dropping them', async () => {
    const lib = await bareRepo(dir, { 'a.txt': 'a\n' });
    const app = await bareRepo(dir, { '.gitmodules': GITMODULES, 'lib/shared': { link: lib.commit } });
    const error = await rejection(createSnapshot({ repoPath: app.repo, commit: app.commit, out: out() }));
    expect(error.code).toBe('AZDO_SUBMODULE_FETCH_FAILED');
  });

  it('asks the resolver once per link, even with several links to the same repository', async () => {
    const lib = await bareRepo(dir, { 'a.txt': 'a\n' });
    const gitmodules = `${GITMODULES}[submodule "again"]\n\tpath = again\n\turl = ../shared-lib\n`;
    const app = await bareRepo(dir, { '.gitmodules': gitmodules, 'lib/shared': { link: lib.commit }, again: { link: lib.commit } });
    let calls = 0;
    const file = out();
    await createSnapshot({
      repoPath: app.repo,
      commit: app.commit,
      out: file,
      submodules: async () => {
        calls++;
        return { repoPath: lib.repo };
      },
    });
    expect(calls).toBe(2);
    expect(await tarFiles(file)).toEqual(['.gitmodules', 'again/a.txt', 'lib/shared/a.txt']);
  });
});

describe('createSnapshot progress', () => {
  /** The reports' percents that are known, in order. */
  const percents = (reports: ArchiveProgress[]): number[] => reports.flatMap((r) => (r.percent === null ? [] : [r.percent]));

  it('counts the files of a large tree as they are archived, each whole percent once, up to 100 once the file is complete', async () => {
    const { repo, commit } = await wideRepo(dir, 3000);
    const reports: ArchiveProgress[] = [];
    const file = out();
    const result = await createSnapshot({ repoPath: repo, commit, out: file, onProgress: (p) => reports.push(p) });
    expect(result.files).toBe(3000);
    expect((await tarFiles(file)).length).toBe(3000);

    expect(reports.every((r) => r.phase === 'archiving')).toBe(true);
    expect(reports.at(-1)).toEqual({ phase: 'archiving', percent: 100, files: 3000, totalFiles: 3000 });
    // Whole percents, each at most once and never going back; 100 only at the end.
    const known = percents(reports);
    expect(known.every((p, i) => Number.isInteger(p) && (i === 0 || p > known[i - 1]!))).toBe(true);
    expect(known.slice(0, -1).every((p) => p < 100)).toBe(true);
    // The percent is unknown only until the tree is counted, and its count is the tree's.
    const firstKnown = reports.findIndex((r) => r.percent !== null);
    expect(reports.slice(firstKnown).every((r) => r.percent !== null && r.totalFiles === 3000)).toBe(true);
    expect(reports.slice(0, firstKnown).every((r) => r.totalFiles === null)).toBe(true);
    expect(reports.every((r, i) => i === 0 || r.files >= reports[i - 1]!.files)).toBe(true);
    expect(reports[0]).toMatchObject({ files: 0 });
  });

  it('counts the files .azdoignore leaves out as read, so the count reaches the tree\'s', async () => {
    const { repo, commit } = await bareRepo(dir, { '.azdoignore': 'build/\n', 'build/a.js': 'a\n', 'build/b.js': 'b\n', 'src/index.ts': 'i\n' });
    const reports: ArchiveProgress[] = [];
    const result = await createSnapshot({ repoPath: repo, commit, out: out(), onProgress: (p) => reports.push(p) });
    expect(result).toMatchObject({ files: 2, skippedPaths: 2 });
    expect(reports.at(-1)).toEqual({ phase: 'archiving', percent: 100, files: 4, totalFiles: 4 });
  });

  it('counts included submodules\' files in the total, from the listings the planned pass makes', async () => {
    const lib = await bareRepo(dir, { 'README.md': '# shared\n', 'src/strings.ts': 'export const trim = 1;\n' });
    const app = await bareRepo(dir, {
      'main.ts': 'm\n',
      '.gitmodules': '[submodule "shared"]\n\tpath = lib/shared\n\turl = ../shared-lib\n',
      'lib/shared': { link: lib.commit },
    });
    const reports: ArchiveProgress[] = [];
    const result = await createSnapshot({ repoPath: app.repo, commit: app.commit, out: out(), submodules: async () => ({ repoPath: lib.repo }), onProgress: (p) => reports.push(p) });
    expect(result.files).toBe(4);
    // The planned pass starts over at 0 of the whole count, the submodule's files included.
    const planned = reports.slice(reports.findLastIndex((r) => r.files === 0));
    expect(planned[0]).toEqual({ phase: 'archiving', percent: 0, files: 0, totalFiles: 4 });
    expect(planned.at(-1)).toEqual({ phase: 'archiving', percent: 100, files: 4, totalFiles: 4 });
    const known = percents(planned);
    expect(known.every((p, i) => i === 0 || p > known[i - 1]!)).toBe(true);
  });
});

it('dates the archive at the commit (sanity check of the test repositories)', () => {
  expect(new Date(COMMIT_DATE).toISOString()).toBe('2024-03-01T12:00:00.000Z');
});
