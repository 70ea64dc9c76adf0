// Small repositories for snapshot tests, made with the real git's plumbing: any mix of files, executables, symbolic
// links and submodule links, committed at a fixed date and cloned bare, as a mirror is.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { run } from '../simulator/helpers.js';

export type FileSpec = string | { content: string; mode: '100755' | '120000' } | { link: string };

export const COMMIT_DATE = '2024-03-01T12:00:00Z';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: COMMIT_DATE,
  GIT_COMMITTER_DATE: COMMIT_DATE,
};

async function git(gitDir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await run('git', args, { env: { GIT_DIR: gitDir, ...GIT_ENV, ...env } });
  expect(r.code, `git ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout.trim();
}

let counter = 0;

/** A bare repository whose one commit holds `files` (paths from the root; `{link}` is a submodule link to that commit). */
export async function bareRepo(dir: string, files: Record<string, FileSpec>, parent?: { repo: string; commit: string }): Promise<{ repo: string; commit: string }> {
  const repo = parent?.repo ?? path.join(dir, `repo-${++counter}.git`);
  if (!parent) await git(repo, ['init', '-q', '--bare', '-b', 'main', repo]);
  const index = path.join(dir, `index-${++counter}`);
  const env = { GIT_INDEX_FILE: index };
  if (parent) await git(repo, ['read-tree', parent.commit], env);
  for (const [name, spec] of Object.entries(files)) {
    if (typeof spec === 'object' && 'link' in spec) {
      await git(repo, ['update-index', '--add', '--cacheinfo', `160000,${spec.link},${name}`], env);
      continue;
    }
    const content = typeof spec === 'string' ? spec : spec.content;
    const mode = typeof spec === 'string' ? '100644' : spec.mode;
    const blobFile = path.join(dir, `blob-${++counter}`);
    await writeFile(blobFile, content);
    const blob = await git(repo, ['hash-object', '-w', blobFile]);
    await git(repo, ['update-index', '--add', '--cacheinfo', `${mode},${blob},${name}`], env);
  }
  const tree = await git(repo, ['write-tree'], env);
  const commit = await git(repo, ['commit-tree', tree, '-m', 'test commit', ...(parent ? ['-p', parent.commit] : [])]);
  await git(repo, ['update-ref', 'refs/heads/main', commit]);
  return { repo, commit };
}

/**
 * A bare repository whose one commit holds `count` generated files in a few nested folders, written by one
 * `git fast-import` (thousands of files in well under a second, where bareRepo runs git three times per file).
 */
export async function wideRepo(dir: string, count: number): Promise<{ repo: string; commit: string }> {
  const repo = path.join(dir, `wide-${++counter}.git`);
  await git(repo, ['init', '-q', '--bare', '-b', 'main', repo]);
  const when = Math.floor(new Date(COMMIT_DATE).getTime() / 1000);
  let stream = `commit refs/heads/main\ncommitter Test <test@example.com> ${when} +0000\ndata 5\nwide\n`;
  for (let i = 0; i < count; i++) {
    const name = `src/module-${i % 10}/part-${i % 7}/file-${String(i).padStart(5, '0')}.txt`;
    const body = `# ${name}\n`;
    stream += `M 100644 inline ${name}\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
  const child = spawn('git', ['fast-import', '--quiet', '--done'], { env: { ...process.env, GIT_DIR: repo }, stdio: ['pipe', 'ignore', 'inherit'] });
  child.stdin.end(`${stream}done\n`);
  const [code] = (await once(child, 'close')) as [number | null];
  expect(code, 'git fast-import').toBe(0);
  return { repo, commit: await git(repo, ['rev-parse', 'refs/heads/main']) };
}

/** Paths in a .tar.gz as the real tar lists them. */
export async function tarList(file: string): Promise<string[]> {
  const r = await run('tar', ['-tzf', file]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Only the files (not directories) in a .tar.gz, sorted. */
export async function tarFiles(file: string): Promise<string[]> {
  return (await tarList(file)).filter((p) => !p.endsWith('/')).sort();
}

/** One file's content from a .tar.gz, through the real tar. */
export async function tarRead(file: string, member: string): Promise<string> {
  const r = await run('tar', ['-xzOf', file, member]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** `tar -tvzf` lines (mode, owner, size, date, name). */
export async function tarVerbose(file: string): Promise<string[]> {
  const r = await run('tar', ['-tvzf', file, '--full-time'], { env: { TZ: 'UTC' } });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}
