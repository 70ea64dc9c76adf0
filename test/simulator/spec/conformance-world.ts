import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/start-simulator.js';
import { basic, run, tempDir } from '../helpers.js';
import type { SpecArea } from './spec-documents.js';
import { validateResponse } from './spec-validator.js';

/**
 * A world with something in every field the REST API can fill: a project whose name has a space, a repository with
 * two branches and an annotated tag (imported from a real git repository), an empty repository, a second project,
 * and pushes recorded through the control API.
 */
export interface ConformanceWorld {
  sim: RunningSimulator;
  token: string;
  aliceId: string;
  bobId: string;
  projectId: string;
  webId: string;
  main: string;
  feature: string;
  cleanup(): Promise<void>;
}

export const ORG = '/fabrikam';
export const PROJECT = '/fabrikam/Fiber%20Web';
export const SERVER_PROJECT = '/tfs/DefaultCollection/Legacy%20App';

async function gitIn(dir: string, ...args: string[]): Promise<string> {
  const env = { GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: 'alice@example.com', GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: 'alice@example.com' };
  const r = await run('git', ['-C', dir, ...args], { env });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function commitFile(dir: string, file: string, content: string, message: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), content);
  await gitIn(dir, 'add', file);
  await gitIn(dir, 'commit', '-q', '-m', message);
}

/** main: readme (tagged v1.0), app; feature: + guide, branched from main. */
async function sourceRepository(dir: string): Promise<void> {
  await gitIn(dir, 'init', '-q', '-b', 'main');
  await commitFile(dir, 'README.md', '# Fiber web\n', 'Add the readme');
  await gitIn(dir, 'tag', '-a', 'v1.0', '-m', 'First release');
  await commitFile(dir, 'src/app.ts', 'export const app = 1;\n', 'Add the app');
  await gitIn(dir, 'checkout', '-q', '-b', 'feature');
  await commitFile(dir, 'docs/guide.md', '# Guide\n', 'Add a guide\n\nA longer body that explains why the guide exists.');
  await gitIn(dir, 'checkout', '-q', 'main');
}

export async function buildWorld(): Promise<ConformanceWorld> {
  const source = await tempDir('azdo-conformance-');
  await sourceRepository(source.dir);
  const sim = await startSimulator({ seed: 'empty' });
  const c = sim.control;
  await c.createHost({ name: 'fabrikam' });
  const alice = await c.createUser({ uniqueName: 'alice@example.com', displayName: 'Alice Liddell', hosts: ['fabrikam'] });
  // All accessible organizations, so that profile and accounts answer too (FACTS §2.13).
  const bob = await c.createUser({ uniqueName: 'bob@example.com', displayName: 'Bob Reviewer', hosts: ['fabrikam'] });
  const { token } = await c.createPat({ user: alice.id, allOrgs: true });
  const project = await c.createProject('fabrikam', { name: 'Fiber Web', description: 'The web site' });
  const web = await c.createRepository('fabrikam', 'Fiber Web', { name: 'web', fromDirectory: source.dir });
  await c.createRepository('fabrikam', 'Fiber Web', { name: 'empty' });
  await c.createProject('fabrikam', { name: 'Tools' });
  await c.createRepository('fabrikam', 'Tools', { name: 'scripts' });
  const add = (p: string, text: string) => ({ changeType: 'add' as const, path: p, content: Buffer.from(text) });
  await c.pushCommits({ host: 'fabrikam', project: 'Tools', repository: 'scripts', branch: 'main', commits: [{ message: 'Add build script', changes: [add('/build.sh', 'echo hi\n')] }] });
  await c.pushCommits({
    host: 'fabrikam',
    project: 'Fiber Web',
    repository: 'web',
    branch: 'main',
    commits: [{ message: 'Add the changelog', changes: [add('/CHANGELOG.md', '# Changes\n')] }],
  });
  // An Azure DevOps Server collection, served under /tfs as Server is.
  await c.createHost({ name: 'DefaultCollection', kind: 'server' });
  await c.addMember('DefaultCollection', alice.id);
  await c.createProject('DefaultCollection', { name: 'Legacy App' });
  await c.createRepository('DefaultCollection', 'Legacy App', { name: 'app' });
  await c.pushCommits({ host: 'DefaultCollection', project: 'Legacy App', repository: 'app', branch: 'main', commits: [{ message: 'Start', changes: [add('/a.txt', 'a\n')] }] });
  const git = sim.context.repos.git(web);
  const main = (await git.resolve('refs/heads/main'))!;
  const feature = (await git.resolve('refs/heads/feature'))!;
  return {
    sim,
    token,
    aliceId: alice.id,
    bobId: bob.id,
    projectId: project.id,
    webId: web.id,
    main,
    feature,
    cleanup: async () => {
      await sim.stop();
      await source.cleanup();
    },
  };
}

export interface Called {
  status: number;
  body: unknown;
}

/** One REST call as a client makes it: a PAT, JSON wanted, and no sign-in redirect. */
export async function call(world: ConformanceWorld, method: string, urlPath: string, body?: unknown): Promise<Called> {
  const response = await fetch(world.sim.url + urlPath, {
    method,
    headers: {
      authorization: basic(world.token),
      accept: 'application/json',
      'x-tfs-fedauthredirect': 'Suppress',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Operation ids whose responses passed validation, to prove at the end that every advertised resource was covered. */
export const covered = new Set<string>();

/**
 * Calls the simulator and fails, listing every field path that differs from the spec, unless the response is a
 * success shaped like the spec's schema for that operation.
 */
export async function conforms(
  world: ConformanceWorld,
  area: SpecArea,
  method: string,
  urlPath: string,
  o: { body?: unknown; operationId?: string; status?: number } = {},
): Promise<Record<string, unknown>> {
  const response = await call(world, method, urlPath, o.body);
  expect(response.status, `${method} ${urlPath} answered ${JSON.stringify(response.body)?.slice(0, 400)}`).toBe(o.status ?? 200);
  const result = validateResponse({ area, method, path: urlPath, status: response.status, body: response.body, ...(o.operationId ? { operationId: o.operationId } : {}) });
  expect(result.errors, `${result.operationId}: ${method} ${urlPath} differs from the spec`).toEqual([]);
  covered.add(result.operationId);
  return response.body as Record<string, unknown>;
}
