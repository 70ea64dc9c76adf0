import { expect } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { basic } from '../helpers.js';
import { validateResponse } from '../spec/spec-validator.js';

/**
 * One organization for the git read tests: `fabrikam` with project "Fiber Web" (repositories web, empty and the
 * disabled old) and project Other (tools). web has three commits on main, a feature branch one commit ahead, a
 * lightweight tag v1 and an annotated tag v2. alice is a member; bob only reads "Fiber Web".
 */
export interface GitWorld {
  sim: RunningSimulator;
  tokens: { alice: string; aliceCodeRead: string; aliceProjectOnly: string; bob: string };
  ids: { alice: string; bob: string; web: string; project: string };
  /** main's commits, oldest first. */
  main: string[];
  feature: string;
  /** The annotated tag object v2 and the commit it points to. */
  tagObject: string;
  api(path: string, o?: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

const at = (iso: string) => new Date(iso);

export async function gitWorld(): Promise<GitWorld> {
  const sim = await startSimulator({ seed: 'empty', pageSize: 10 });
  const c = sim.control;
  await c.createHost({ name: 'fabrikam' });
  const alice = await c.createUser({ uniqueName: 'alice@example.com', displayName: 'Alice Smith', hosts: ['fabrikam'] });
  const bob = await c.createUser({ uniqueName: 'bob@example.com', displayName: 'Bob Jones' });
  const project = await c.createProject('fabrikam', { name: 'Fiber Web' });
  await c.createProject('fabrikam', { name: 'Other' });
  await c.addMember('fabrikam', bob.id, { project: 'Fiber Web' });
  const tokens = {
    alice: (await c.createPat({ user: alice.id })).token,
    aliceCodeRead: (await c.createPat({ user: alice.id, scope: 'vso.code' })).token,
    aliceProjectOnly: (await c.createPat({ user: alice.id, scope: 'vso.project' })).token,
    bob: (await c.createPat({ user: bob.id })).token,
  };
  const web = await c.createRepository('fabrikam', 'Fiber Web', { name: 'web' });
  await c.createRepository('fabrikam', 'Fiber Web', { name: 'empty' });
  await c.createRepository('fabrikam', 'Other', { name: 'tools' });
  const aliceAt = (iso: string) => ({ name: 'Alice Smith', email: 'alice@example.com', date: at(iso) });
  const bobAt = (iso: string) => ({ name: 'Bob Jones', email: 'bob@example.com', date: at(iso) });
  const add = (path: string, text: string) => ({ changeType: 'add' as const, path, content: Buffer.from(text) });
  await c.pushCommits({
    host: 'fabrikam',
    project: 'Fiber Web',
    repository: 'web',
    branch: 'main',
    pushedBy: alice.id,
    commits: [
      {
        message: 'Add the site',
        author: aliceAt('2024-01-01T10:00:00Z'),
        changes: [add('/README.md', '# Web\n'), add('/src/app.ts', 'export {};\n'), add('/docs/guide/intro.md', 'intro\n'), add('/logo.bin', '\u0000\u0001binary')],
      },
      {
        message: 'Add util',
        author: bobAt('2024-02-01T10:00:00Z'),
        changes: [{ changeType: 'edit', path: '/README.md', content: Buffer.from('# Web\nMore.\n') }, add('/src/util.ts', 'export const x = 1;\n')],
      },
      { message: 'Remove util', author: aliceAt('2024-03-01T10:00:00Z'), changes: [{ changeType: 'delete', path: '/src/util.ts' }] },
    ],
  });
  const git = sim.context.repos.git(web);
  const main = (await git.log({ ref: 'refs/heads/main', oldestFirst: true })).commits.map((x) => x.commitId);
  await sim.context.repos.recordingPush(web, bob.id, async () => {
    await git.updateRef('refs/heads/feature', main[2]!, '0'.repeat(40));
    await git.updateRef('refs/tags/v1', main[0]!, '0'.repeat(40));
    const env = { GIT_COMMITTER_NAME: 'Alice Smith', GIT_COMMITTER_EMAIL: 'alice@example.com', GIT_COMMITTER_DATE: '@1704103200 +0000' };
    await git.git(['tag', '-a', 'v2', '-m', 'Release 2', main[1]!], { env });
  });
  await c.pushCommits({
    host: 'fabrikam',
    project: 'Fiber Web',
    repository: 'web',
    branch: 'feature',
    pushedBy: bob.id,
    commits: [{ message: 'Feature work', author: bobAt('2024-04-01T10:00:00Z'), changes: [add('/src/feature.ts', 'feature\n')] }],
  });
  const feature = (await git.resolve('refs/heads/feature'))!;
  const tagObject = (await git.listRefs()).find((r) => r.name === 'refs/tags/v2')!.objectId;
  const old = await c.createRepository('fabrikam', 'Fiber Web', { name: 'old' });
  await c.pushCommits({ host: 'fabrikam', project: 'Fiber Web', repository: 'old', branch: 'main', pushedBy: alice.id, commits: [{ message: 'x', changes: [add('/a.txt', 'a')] }] });
  await c.setRepositoryDisabled('fabrikam', 'Fiber Web', old.name, true);

  const api: GitWorld['api'] = (path, o = {}) =>
    fetch(`${sim.url}${path}`, {
      method: o.method ?? 'GET',
      headers: {
        authorization: basic(o.token ?? tokens.alice),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...o.headers,
      },
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      redirect: 'manual',
    });
  return { sim, tokens, ids: { alice: alice.id, bob: bob.id, web: web.id, project: project.id }, main, feature, tagObject, api };
}

/** Reads a JSON response and checks it against the official 7.1 spec of the operation the path names. */
export async function specJson<T = Record<string, unknown>>(
  response: Response,
  path: string,
  o: { method?: string; operationId?: string; status?: number } = {},
): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(o.status ?? 200);
  const { errors } = validateResponse({ area: 'git', method: o.method ?? 'GET', path: path.replace(/^\/fabrikam/, '/fabrikam'), status: response.status, body, ...(o.operationId ? { operationId: o.operationId } : {}) });
  expect(errors).toEqual([]);
  return body;
}

export async function errorOf(response: Response, status: number): Promise<{ message: string; typeKey: string }> {
  expect(response.status).toBe(status);
  return (await response.json()) as { message: string; typeKey: string };
}
