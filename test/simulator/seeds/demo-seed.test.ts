import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { basic, run, tempDir } from '../helpers.js';

// `--seed demo` promises a rich world (issue: several projects, one name with spaces, an empty repo, a disabled repo, a
// submodule, a few thousand commits, open and completed pull requests, users and PATs of different scopes, one
// expired, and a Server collection). Each promise is checked in the state and, where a client would see it, over REST.

describe('the demo seed', () => {
  let sim: RunningSimulator;
  let startMs: number;
  const SUPPRESS = { 'x-tfs-fedauthredirect': 'Suppress' };

  beforeAll(async () => {
    const t = performance.now();
    sim = await startSimulator({ seed: 'demo' });
    startMs = performance.now() - t;
  });
  afterAll(async () => sim?.stop());

  const host = (name: string) => sim.context.store.state.hosts.find((h) => h.name === name)!;
  const repo = (hostName: string, project: string, name: string) =>
    host(hostName)
      .projects.find((p) => p.name === project)!
      .repositories.find((r) => r.name === name)!;
  const alice = () => sim.users.find((u) => u.name === 'alice@example.com')!;
  const bob = () => sim.users.find((u) => u.name === 'bob@example.com')!;
  const get = (url: string, token: string, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}${url}`, { headers: { authorization: basic(token), ...headers }, redirect: 'manual' });

  it('starts with organizations fabrikam and contoso and collections of Server 2022.1 and 2020', () => {
    console.log(`demo seed: start to ready in ${Math.round(startMs)} ms`);
    expect(sim.organizations).toEqual(['fabrikam', 'contoso']);
    expect(sim.collections).toEqual(['DefaultCollection', 'OldCollection']);
    expect(host('DefaultCollection').serverVersion).toBe('2022.1');
    expect(host('OldCollection').serverVersion).toBe('2020');
    expect(host('DefaultCollection').projects[0]!.repositories).toHaveLength(1);
  });

  it('has several projects in fabrikam, one with a space in its name, reachable over REST', async () => {
    expect(host('fabrikam').projects.map((p) => p.name)).toEqual(['Fabrikam Fiber', 'Platform', 'Mobile']);
    const r = await get('/fabrikam/_apis/projects?api-version=7.1', alice().pat!);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { count: number }).count).toBe(3);
    const repos = await get('/fabrikam/Fabrikam%20Fiber/_apis/git/repositories?api-version=7.1', alice().pat!);
    const value = ((await repos.json()) as { value: Array<{ name: string; isDisabled?: boolean; defaultBranch?: string; size: number }> }).value;
    expect(value.map((v) => v.name).sort()).toEqual(['empty-repo', 'legacy', 'web']);
    expect(value.find((v) => v.name === 'legacy')!.isDisabled).toBe(true);
    expect(value.find((v) => v.name === 'empty-repo')).toMatchObject({ size: 0 });
    expect(value.find((v) => v.name === 'empty-repo')!.defaultBranch).toBeUndefined();
    expect(value.find((v) => v.name === 'web')!.defaultBranch).toBe('refs/heads/main');
  });

  it('has an empty repository and a disabled one that still holds history', async () => {
    expect(await sim.context.repos.git(repo('fabrikam', 'Fabrikam Fiber', 'empty-repo')).isEmpty()).toBe(true);
    const legacy = repo('fabrikam', 'Fabrikam Fiber', 'legacy');
    expect(legacy.isDisabled).toBe(true);
    expect((await sim.context.repos.git(legacy).log({})).commits).toHaveLength(1);
  });

  it('has a repository whose submodule points at shared-lib by a relative URL', async () => {
    const git = sim.context.repos.git(repo('fabrikam', 'Platform', 'app-with-submodule'));
    const [link] = (await git.listTree('HEAD', '/lib/shared', 'none'))!;
    const sharedTip = await sim.context.repos.git(repo('fabrikam', 'Platform', 'shared-lib')).resolve('HEAD');
    expect(link).toMatchObject({ gitObjectType: 'commit', mode: '160000', objectId: sharedTip });
    expect((await git.readBlob('HEAD', '/.gitmodules'))?.toString()).toBe('[submodule "lib/shared"]\n\tpath = lib/shared\n\turl = ../shared-lib\n');
  });

  it('clones the submodule repository over SSH with the seeded key, submodule included', async () => {
    const tmp = await tempDir();
    try {
      const ssh = `ssh -i ${alice().sshPrivateKeyPath} -p ${sim.sshPort} -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null`;
      const env = { GIT_SSH_COMMAND: ssh, GIT_ALLOW_PROTOCOL: 'ssh' };
      const dir = path.join(tmp.dir, 'app');
      const clone = await run('git', ['clone', '-q', '--recurse-submodules', `ssh://git@127.0.0.1:${sim.sshPort}/v3/fabrikam/Platform/app-with-submodule`, dir], { env });
      expect(clone.code, clone.stderr).toBe(0);
      expect(await readFile(path.join(dir, 'lib/shared/src/dates.ts'), 'utf8')).toContain('today');
    } finally {
      await tmp.cleanup();
    }
  });

  it('has a monorepo of 3000 generated commits', async () => {
    const monorepo = repo('fabrikam', 'Platform', 'monorepo');
    expect(monorepo.pushes[0]!.commitIds).toHaveLength(3000);
    const r = await get(`/fabrikam/Platform/_apis/git/repositories/monorepo/commits?searchCriteria.$skip=2999&searchCriteria.$top=5&api-version=7.1`, alice().pat!);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { value: Array<{ comment: string }> }).value.map((c) => c.comment.split('\n')[0])).toEqual(['Fix login form (#1)']);
  });

  it('has branches and pull requests that are active, completed and abandoned in web', async () => {
    const web = repo('fabrikam', 'Fabrikam Fiber', 'web');
    expect(web.pullRequests.map((p) => [p.pullRequestId, p.status])).toEqual([
      [1, 'active'],
      [2, 'completed'],
      [3, 'abandoned'],
    ]);
    const refs = (await sim.context.repos.git(web).listRefs()).map((r) => r.name);
    expect(refs).toEqual(expect.arrayContaining(['refs/heads/main', 'refs/heads/feature/login', 'refs/heads/feature/search', 'refs/heads/experiment/dark-theme']));
    const head = await sim.context.repos.git(web).getCommit('refs/heads/main');
    expect(head!.parents).toHaveLength(2);
    expect(head!.comment.trim()).toBe('Merged PR 2: Add search');
  });

  it('has a non-main default branch in Mobile', async () => {
    expect(await sim.context.repos.git(repo('fabrikam', 'Mobile', 'ios-app')).defaultBranch()).toBe('refs/heads/develop');
  });

  it('gives alice a full PAT, a code-only PAT and an expired PAT', async () => {
    const pats = Object.fromEntries(alice().pats.map((p) => [p.name, p]));
    expect(Object.keys(pats)).toEqual(['full', 'code-read', 'expired']);
    expect(alice().pat).toBe(pats['full']!.token);
    expect((await get('/fabrikam/Platform/_apis/git/repositories?api-version=7.1', pats['code-read']!.token)).status).toBe(200);
    expect((await get('/fabrikam/_apis/projects?api-version=7.1', pats['code-read']!.token, SUPPRESS)).status).toBe(401);
    expect((await get('/contoso/_apis/projects?api-version=7.1', pats['code-read']!.token, SUPPRESS)).status).toBe(401);
    expect((await get('/contoso/_apis/projects?api-version=7.1', pats['full']!.token)).status).toBe(200);
    const expired = await get('/fabrikam/_apis/projects?api-version=7.1', pats['expired']!.token, SUPPRESS);
    expect(expired.status).toBe(401);
    expect(Date.parse(pats['expired']!.validTo)).toBeLessThan(Date.now());
    expect((await get('/tfs/DefaultCollection/_apis/projects?api-version=6.0', alice().pat!)).status).toBe(200);
  });

  it('makes bob a reader of Fabrikam Fiber only', async () => {
    expect((await get('/fabrikam/Fabrikam%20Fiber/_apis/git/repositories?api-version=7.1', bob().pat!)).status).toBe(200);
    expect((await get('/fabrikam/Platform/_apis/git/repositories?api-version=7.1', bob().pat!)).status).toBe(404);
    expect(bob().pats.map((p) => [p.name, p.scope])).toEqual([
      ['full', 'app_token'],
      ['project-read', 'vso.project'],
    ]);
  });

  it('writes each user an SSH key: the private key 0600 in the data directory, the public key registered', async () => {
    for (const user of sim.users) {
      const keyPath = user.sshPrivateKeyPath!;
      expect(path.dirname(keyPath)).toBe(path.join(sim.dataDir, 'keys'));
      expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
      expect(await readFile(keyPath, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      const derived = await run('ssh-keygen', ['-y', '-f', keyPath]);
      expect(derived.code, derived.stderr).toBe(0);
      expect(user.sshPublicKey!.startsWith(derived.stdout.trim())).toBe(true);
      const registered = sim.context.store.state.sshKeys.find((k) => k.userId === user.id)!;
      expect(user.sshPublicKey!.startsWith(registered.publicKey)).toBe(true);
    }
  });

  it('has a service principal in fabrikam and one in its tenant that was never added (TF401444)', async () => {
    const [member, outsider] = sim.servicePrincipals;
    expect(member!.displayName).toBe('fabrikam-ci');
    expect(outsider!.tenantId).toBe(host('fabrikam').tenantId);
    const token = async (p: { clientId: string; clientSecret: string; tenantId: string }) => {
      const r = await fetch(`${sim.url}/${p.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: '499b84ac-1321-427f-aa17-267ca6975798/.default' }),
      });
      return ((await r.json()) as { access_token: string }).access_token;
    };
    const bearer = (t: string) => ({ authorization: `Bearer ${t}`, ...SUPPRESS });
    expect((await fetch(`${sim.url}/fabrikam/_apis/projects?api-version=7.1`, { headers: bearer(await token(member!)) })).status).toBe(200);
    const refused = await fetch(`${sim.url}/fabrikam/_apis/projects?api-version=7.1`, { headers: bearer(await token(outsider!)) });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toMatch(/^TF401444/);
  });
});
