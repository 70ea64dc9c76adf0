import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, gitWorld, specJson, type GitWorld } from './git-world.js';

interface Repo {
  id: string;
  name: string;
  defaultBranch?: string;
  isDisabled: boolean;
  project: { name: string };
  remoteUrl: string;
  url: string;
  _links?: Record<string, { href: string }>;
  validRemoteUrls?: string[];
}

describe('git repositories REST API', () => {
  let w: GitWorld;
  beforeAll(async () => {
    w = await gitWorld();
  });
  afterAll(async () => w?.sim.stop());

  it('lists the repositories of every visible project in one organization-level call', async () => {
    const path = '/fabrikam/_apis/git/repositories?api-version=7.1';
    const body = await specJson<{ count: number; value: Repo[] }>(await w.api(path), path);
    expect(body.value.map((r) => `${r.project.name}/${r.name}`)).toEqual(['Fiber Web/empty', 'Fiber Web/old', 'Other/tools', 'Fiber Web/web']);
    expect(body.count).toBe(4);
    const web = body.value.find((r) => r.name === 'web')!;
    expect(web).toMatchObject({ defaultBranch: 'refs/heads/main', isDisabled: false, remoteUrl: `${w.sim.url}/fabrikam/Fiber%20Web/_git/web` });
    expect(web.url).toBe(`${w.sim.url}/fabrikam/_apis/git/repositories/${web.id}`);
  });

  it('leaves out the default branch of an empty repository and shows disabled ones as disabled', async () => {
    const body = (await (await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories')).json()) as { value: Repo[] };
    const empty = body.value.find((r) => r.name === 'empty')!;
    expect(empty).not.toHaveProperty('defaultBranch');
    expect(body.value.find((r) => r.name === 'old')!.isDisabled).toBe(true);
    expect(body.value.map((r) => r.name)).toEqual(['empty', 'old', 'web']);
  });

  it('adds links and all remote URLs when asked', async () => {
    const path = '/fabrikam/Fiber%20Web/_apis/git/repositories?includeLinks=true&includeAllUrls=true&includeHidden=true';
    const body = await specJson<{ value: Repo[] }>(await w.api(path), path);
    const web = body.value.find((r) => r.name === 'web')!;
    expect(web._links?.['self']?.href).toBe(web.url);
    expect(web.validRemoteUrls?.[0]).toBe(web.remoteUrl);
  });

  it('lists only the project a reader of one project may see', async () => {
    const body = (await (await w.api('/fabrikam/_apis/git/repositories', { token: w.tokens.bob })).json()) as { value: Repo[] };
    expect(new Set(body.value.map((r) => r.project.name))).toEqual(new Set(['Fiber Web']));
    expect((await errorOf(await w.api('/fabrikam/Other/_apis/git/repositories', { token: w.tokens.bob }), 404)).message).toContain('TF200016');
  });

  it('gets one repository by name within a project, or by id, case-insensitively', async () => {
    const path = '/fabrikam/fiber%20web/_apis/git/repositories/WEB';
    const byName = await specJson<Repo>(await w.api(path), path);
    expect(byName).toMatchObject({ id: w.ids.web, name: 'web' });
    expect(byName._links?.['refs']?.href).toBe(`${byName.url}/refs`);
    const byId = (await (await w.api(`/fabrikam/_apis/git/repositories/${w.ids.web.toUpperCase()}`)).json()) as Repo;
    expect(byId.name).toBe('web');
  });

  it('still describes a disabled repository', async () => {
    const repo = (await (await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/old')).json()) as Repo;
    expect(repo.isDisabled).toBe(true);
  });

  it('answers an unknown repository with 404 TF401019', async () => {
    const e = await errorOf(await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/nope'), 404);
    expect(e).toMatchObject({ typeKey: 'GitRepositoryNotFoundException' });
    expect(e.message).toBe('TF401019: The Git repository with name or identifier nope does not exist or you do not have permissions for the operation you are attempting.');
    expect((await errorOf(await w.api('/fabrikam/Other/_apis/git/repositories/web'), 404)).message).toContain('TF401019');
  });

  it('rejects a bad boolean parameter with 400', async () => {
    await errorOf(await w.api('/fabrikam/_apis/git/repositories?includeLinks=maybe'), 400);
  });

  it('needs a code scope: a vso.project PAT gets 401', async () => {
    const e = await errorOf(await w.api('/fabrikam/_apis/git/repositories', { token: w.tokens.aliceProjectOnly }), 401);
    expect(e.message).toContain('TF400813');
    expect((await w.api('/fabrikam/_apis/git/repositories', { token: w.tokens.aliceCodeRead })).status).toBe(200);
  });

  it('serves the official Node client: getRepositories, getRefs and getCommits', async () => {
    const connection = new WebApi(`${w.sim.url}/fabrikam`, getPersonalAccessTokenHandler(w.tokens.alice));
    const git = await connection.getGitApi();
    const all = await git.getRepositories();
    expect(all.map((r) => r.name).sort()).toEqual(['empty', 'old', 'tools', 'web']);
    const inProject = await git.getRepositories('Fiber Web');
    expect(inProject).toHaveLength(3);
    const repo = await git.getRepository('web', 'Fiber Web');
    expect(repo.defaultBranch).toBe('refs/heads/main');
    const refs = await git.getRefs(w.ids.web, 'Fiber Web', 'heads/');
    expect(refs.map((r) => r.name)).toEqual(['refs/heads/feature', 'refs/heads/main']);
    const commits = await git.getCommits('web', { itemVersion: { version: 'main' }, $top: 2 }, 'Fiber Web');
    expect(commits.map((c) => c.commitId)).toEqual([w.main[2], w.main[1]]);
    expect(commits[0]!.author?.date).toBeInstanceOf(Date);
    const item = await git.getItem('web', '/README.md', 'Fiber Web', undefined, undefined, undefined, undefined, undefined, undefined, true);
    expect(item.content).toBe('# Web\nMore.\n');
  });
});
