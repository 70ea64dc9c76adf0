import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, gitAuthEnv, gitSshEnv, run, sshKeygen, tempDir } from '../helpers.js';
import { errorOf, gitWorld, specJson, type GitWorld } from './git-world.js';

interface Repo {
  id: string;
  name: string;
  isDisabled: boolean;
  defaultBranch?: string;
  remoteUrl: string;
  sshUrl?: string;
  project: { id: string; name: string };
}

// Repositories - Update (PATCH .../git/repositories/{repositoryId}): a rename keeps the id and the content, and every
// way in (REST, git over HTTP, git over SSH) answers to the new name and no longer to the old one.
describe('renaming a git repository', () => {
  let w: GitWorld;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let sshEnv: NodeJS.ProcessEnv;
  const V = 'api-version=7.1';
  const byId = (project = 'Fiber%20Web') => `/fabrikam/${project}/_apis/git/repositories/${w.ids.web}?${V}`;
  const patch = (url: string, body: unknown, token?: string) => w.api(url, { method: 'PATCH', body, ...(token ? { token } : {}) });

  beforeAll(async () => {
    w = await gitWorld();
    tmp = await tempDir('azdo-rename-');
    const key = await sshKeygen(tmp.dir, 'alice');
    await w.sim.control.addSshKey({ user: w.ids.alice, publicKey: key.publicKey });
    const knownHosts = path.join(tmp.dir, 'known_hosts');
    await writeFile(knownHosts, (await run('ssh-keyscan', ['-p', String(w.sim.sshPort), '-t', 'rsa', '127.0.0.1'])).stdout);
    sshEnv = gitSshEnv(key.privateKeyPath, knownHosts);
  });
  afterAll(async () => {
    await w?.sim.stop();
    await tmp?.cleanup();
  });

  it('renames by id and answers the updated repository as the spec shapes it', async () => {
    const url = byId();
    const renamed = await specJson<Repo>(await patch(url, { name: 'website' }), url, { method: 'PATCH' });
    expect(renamed).toMatchObject({
      id: w.ids.web,
      name: 'website',
      isDisabled: false,
      defaultBranch: 'refs/heads/main',
      remoteUrl: `${w.sim.url}/fabrikam/Fiber%20Web/_git/website`,
      project: { id: w.ids.project, name: 'Fiber Web' },
    });
    expect(renamed.sshUrl).toContain('/v3/fabrikam/Fiber%20Web/website');
  });

  it('is found by REST under the new name only, with its history, and the state file keeps the new name', async () => {
    const got = (await (await w.api(`/fabrikam/Fiber%20Web/_apis/git/repositories/website?${V}`)).json()) as Repo;
    expect(got.id).toBe(w.ids.web);
    const old = await errorOf(await w.api(`/fabrikam/Fiber%20Web/_apis/git/repositories/web?${V}`), 404);
    expect(old).toMatchObject({ typeKey: 'GitRepositoryNotFoundException' });
    expect(old.message).toBe('TF401019: The Git repository with name or identifier web does not exist or you do not have permissions for the operation you are attempting.');
    expect(((await (await w.api(`/fabrikam/_apis/git/repositories/${w.ids.web}?${V}`)).json()) as Repo).name).toBe('website');
    const listed = (await (await w.api(`/fabrikam/Fiber%20Web/_apis/git/repositories?${V}`)).json()) as { value: Repo[] };
    expect(listed.value.map((r) => r.name)).toEqual(['empty', 'old', 'website']);
    const commits = (await (await w.api(`/fabrikam/Fiber%20Web/_apis/git/repositories/website/commits?searchCriteria.$top=1&${V}`)).json()) as { value: Array<{ commitId: string }> };
    expect(commits.value[0]?.commitId).toBe(w.main[2]);
    await errorOf(await w.api(`/fabrikam/Fiber%20Web/_apis/git/repositories/web/refs?${V}`), 404);

    const saved = JSON.parse(await readFile(w.sim.context.store.file, 'utf8')) as { hosts: Array<{ projects: Array<{ repositories: Array<{ id: string; name: string }> }> }> };
    const names = saved.hosts.flatMap((h) => h.projects.flatMap((p) => p.repositories)).filter((r) => r.id === w.ids.web).map((r) => r.name);
    expect(names).toEqual(['website']);
  });

  it('is cloned over HTTP and reached over SSH by the new name, and by the old one no more', async () => {
    const env = gitAuthEnv(basic(w.tokens.alice));
    const dest = path.join(tmp.dir, 'clone');
    const clone = await run('git', ['clone', `${w.sim.url}/fabrikam/Fiber%20Web/_git/website`, dest], { env });
    expect(clone.code, clone.stderr).toBe(0);
    expect((await run('git', ['-C', dest, 'rev-parse', 'HEAD'])).stdout.trim()).toBe(w.main[2]);
    const oldHttp = await run('git', ['ls-remote', `${w.sim.url}/fabrikam/Fiber%20Web/_git/web`], { env });
    expect(oldHttp.code).not.toBe(0);
    expect(oldHttp.stderr).toContain('remote: TF401019');

    const ssh = (name: string) => `ssh://git@127.0.0.1:${w.sim.sshPort}/v3/fabrikam/Fiber%20Web/${name}`;
    const viaSsh = await run('git', ['ls-remote', ssh('website'), 'refs/heads/main'], { env: sshEnv });
    expect(viaSsh.code, viaSsh.stderr).toBe(0);
    expect(viaSsh.stdout).toContain(w.main[2]);
    const oldSsh = await run('git', ['ls-remote', ssh('web')], { env: sshEnv });
    expect(oldSsh.code).toBe(128);
    expect(oldSsh.stderr).toContain('remote: TF401019');
  });

  it('refuses a name another repository of the project has, in any case, with 409 TF400948, and changes nothing', async () => {
    const before = w.sim.control.digest();
    const taken = await errorOf(await patch(byId(), { name: 'EMPTY' }), 409);
    expect(taken).toMatchObject({ typeKey: 'GitRepositoryNameAlreadyExistsException', message: 'TF400948: A Git repository with the name EMPTY already exists.' });
    expect(w.sim.control.digest()).toBe(before);
    // Its own name in another case is a rename, and a name taken only in another project is free.
    expect(((await (await patch(byId(), { name: 'WebSite' })).json()) as Repo).name).toBe('WebSite');
    expect(((await (await patch(byId(), { name: 'tools' })).json()) as Repo).name).toBe('tools');
    expect(((await (await patch(byId(), { name: 'website' })).json()) as Repo).name).toBe('website');
  });

  it('needs vso.code_manage (401 TF400813 without it) and, for a project reader, the RenameRepository permission (403)', async () => {
    const { token: codeWrite } = await w.sim.control.createPat({ user: w.ids.alice, scope: 'vso.code_write' });
    const unauthorized = await errorOf(await patch(byId(), { name: 'renamed' }, codeWrite), 401);
    expect(unauthorized).toMatchObject({ typeKey: 'UnauthorizedRequestException' });
    expect(unauthorized.message).toContain('TF400813');
    const reader = await errorOf(await patch(byId(), { name: 'renamed' }, w.tokens.bob), 403);
    expect(reader).toMatchObject({ typeKey: 'GitNeedsPermissionException' });
    expect(reader.message).toContain("'RenameRepository'");
    const { token: manage } = await w.sim.control.createPat({ user: w.ids.alice, scope: 'vso.code_manage' });
    expect(((await (await patch(byId(), { name: 'website' }, manage)).json()) as Repo).name).toBe('website');
  });

  it('names the repository by id only, within its own project, and changes either the name or isDisabled', async () => {
    const before = w.sim.control.digest();
    expect((await errorOf(await patch(`/fabrikam/Fiber%20Web/_apis/git/repositories/website?${V}`, { name: 'x' }), 400)).typeKey).toBe('ArgumentException');
    expect((await errorOf(await patch(byId(), { name: 'x', isDisabled: true }), 400)).typeKey).toBe('ArgumentException');
    expect((await errorOf(await patch(byId(), {}), 400)).typeKey).toBe('ArgumentException');
    expect((await errorOf(await patch(byId(), { name: 'x', id: w.ids.project }), 400)).typeKey).toBe('ArgumentException');
    expect((await errorOf(await patch(byId(), { name: 'a/b' }), 400)).typeKey).toBe('InvalidArgumentValueException');
    expect((await errorOf(await patch(byId('Other'), { name: 'x' }), 404)).message).toContain(`TF401019: The Git repository with name or identifier ${w.ids.web} does not exist`);
    const unknown = '00000000-0000-0000-0000-000000000001';
    expect((await errorOf(await patch(`/fabrikam/_apis/git/repositories/${unknown}?${V}`, { name: 'x' }), 404)).typeKey).toBe('GitRepositoryNotFoundException');
    expect(w.sim.control.digest()).toBe(before);
  });

  it('disables and enables a repository through the same call, which alone reaches a disabled one', async () => {
    const url = byId();
    const disabled = await specJson<Repo>(await patch(url, { isDisabled: true }), url, { method: 'PATCH' });
    expect(disabled).toMatchObject({ name: 'website', isDisabled: true });
    await errorOf(await patch(url, { name: 'hidden' }), 404);
    expect(((await (await patch(url, { isDisabled: false })).json()) as Repo).isDisabled).toBe(false);
  });

  it('serves the official Node client: updateRepository', async () => {
    const git = await new WebApi(`${w.sim.url}/fabrikam`, getPersonalAccessTokenHandler(w.tokens.alice)).getGitApi();
    const renamed = await git.updateRepository({ name: 'web' }, w.ids.web, 'Fiber Web');
    expect(renamed).toMatchObject({ id: w.ids.web, name: 'web' });
    expect((await git.getRepository('web', 'Fiber Web')).id).toBe(w.ids.web);
  });
});
