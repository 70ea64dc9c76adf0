import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { basic, gitAuthEnv, gitSshEnv, run, sshKeygen, tempDir } from './helpers.js';

// The real git and OpenSSH against the simulator: clone, fetch and push over both transports, with Azure DevOps'
// own answers for the mistakes users make.
describe('git over HTTP and SSH', () => {
  let sim: RunningSimulator;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let writer: string;
  let reader: string;
  let knownHosts: string;
  let aliceKey: string;
  let bobKey: string;
  let strangerKey: string;

  beforeAll(async () => {
    tmp = await tempDir();
    sim = await startSimulator({ seed: 'empty' });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    await c.createHost({ name: 'DefaultCollection', kind: 'server' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam', 'DefaultCollection'] });
    const bob = await c.createUser({ uniqueName: 'bob@example.com', hosts: ['fabrikam'] });
    writer = (await c.createPat({ user: alice.id, scope: 'vso.code_write' })).token;
    reader = (await c.createPat({ user: bob.id, scope: 'vso.code' })).token;
    await c.createProject('fabrikam', { name: 'Fiber Web' });
    await c.createRepository('fabrikam', 'Fiber Web', { name: 'web' });
    await c.createProject('DefaultCollection', { name: 'Tools' });
    await c.createRepository('DefaultCollection', 'Tools', { name: 'build' });
    await c.pushCommits({
      host: 'fabrikam',
      project: 'Fiber Web',
      repository: 'web',
      branch: 'main',
      commits: [{ message: 'first', changes: [{ changeType: 'add', path: '/README.md', content: Buffer.from('hello\n') }] }],
    });
    const a = await sshKeygen(tmp.dir, 'alice');
    const b = await sshKeygen(tmp.dir, 'bob');
    strangerKey = (await sshKeygen(tmp.dir, 'stranger')).privateKeyPath;
    await c.addSshKey({ user: alice.id, publicKey: a.publicKey });
    await c.addSshKey({ user: bob.id, publicKey: b.publicKey });
    aliceKey = a.privateKeyPath;
    bobKey = b.privateKeyPath;
    knownHosts = path.join(tmp.dir, 'known_hosts');
    const hostKey = (await run('ssh-keyscan', ['-p', String(sim.sshPort), '-t', 'rsa', '127.0.0.1'])).stdout;
    await writeFile(knownHosts, hostKey);
  });

  afterAll(async () => {
    await sim?.stop();
    await tmp?.cleanup();
  });

  const httpUrl = (p: string): string => `${sim.url}${p}`;

  it('clones over HTTP with a PAT sent as Basic in http.extraHeader', async () => {
    const dest = path.join(tmp.dir, 'http-clone');
    const r = await run('git', ['clone', httpUrl('/fabrikam/Fiber%20Web/_git/web'), dest], { env: gitAuthEnv(basic(writer)) });
    expect(r.code, r.stderr).toBe(0);
    expect((await run('git', ['-C', dest, 'log', '--format=%s'])).stdout.trim()).toBe('first');
  });

  it('pushes over HTTP and records the push with its ref update', async () => {
    const dest = path.join(tmp.dir, 'http-push');
    await run('git', ['clone', httpUrl('/fabrikam/Fiber%20Web/_git/web'), dest], { env: gitAuthEnv(basic(writer)) });
    await writeFile(path.join(dest, 'a.txt'), 'a\n');
    await run('git', ['-C', dest, 'add', '.']);
    await run('git', ['-C', dest, '-c', 'user.name=A', '-c', 'user.email=a@example.com', 'commit', '-m', 'second']);
    const before = sim.context.store.state.hosts[0]!.projects[0]!.repositories[0]!.pushes.length;
    const r = await run('git', ['-C', dest, 'push', 'origin', 'HEAD:refs/heads/feature'], { env: gitAuthEnv(basic(writer)) });
    expect(r.code, r.stderr).toBe(0);
    const pushes = sim.context.store.state.hosts[0]!.projects[0]!.repositories[0]!.pushes;
    expect(pushes.length).toBe(before + 1);
    expect(pushes.at(-1)!.refUpdates).toEqual([
      { name: 'refs/heads/feature', oldObjectId: '0000000000000000000000000000000000000000', newObjectId: expect.stringMatching(/^[0-9a-f]{40}$/) },
    ]);
    expect(pushes.at(-1)!.commitIds).toHaveLength(1);
  });

  it('asks git for credentials with a Basic challenge when none are sent', async () => {
    const r = await run('git', ['ls-remote', httpUrl('/fabrikam/Fiber%20Web/_git/web')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/could not read Username|Authentication failed|terminal prompts disabled/);
  });

  it('answers TF401019 for an unknown repository and for a trailing .git', async () => {
    for (const url of ['/fabrikam/Fiber%20Web/_git/nope', '/fabrikam/Fiber%20Web/_git/web.git']) {
      const r = await run('git', ['ls-remote', httpUrl(url)], { env: gitAuthEnv(basic(writer)) });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('remote: TF401019: The Git repository with name or identifier');
    }
  });

  it('refuses a push with a read-only PAT with TF401027', async () => {
    const dest = path.join(tmp.dir, 'read-only');
    await run('git', ['clone', httpUrl('/fabrikam/Fiber%20Web/_git/web'), dest], { env: gitAuthEnv(basic(reader)) });
    await run('git', ['-C', dest, '-c', 'user.name=B', '-c', 'user.email=b@example.com', 'commit', '--allow-empty', '-m', 'x']);
    const r = await run('git', ['-C', dest, 'push', 'origin', 'HEAD:refs/heads/bob'], { env: gitAuthEnv(basic(reader)) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('TF401027');
  });

  it('serves the _optimized view and the /tfs virtual directory of a Server collection', async () => {
    expect((await run('git', ['ls-remote', httpUrl('/fabrikam/Fiber%20Web/_git/_optimized/web')], { env: gitAuthEnv(basic(writer)) })).code).toBe(0);
    const server = await run('git', ['ls-remote', httpUrl('/tfs/DefaultCollection/Tools/_git/build')], { env: gitAuthEnv(basic(writer)) });
    expect(server.code, server.stderr).toBe(0);
  });

  it('clones and pushes over SSH with a user-level RSA key on the v3 path', async () => {
    const dest = path.join(tmp.dir, 'ssh-clone');
    const url = `ssh://git@127.0.0.1:${sim.sshPort}/v3/fabrikam/Fiber%20Web/web`;
    const clone = await run('git', ['clone', url, dest], { env: gitSshEnv(aliceKey, knownHosts) });
    expect(clone.code, clone.stderr).toBe(0);
    await run('git', ['-C', dest, '-c', 'user.name=A', '-c', 'user.email=a@example.com', 'commit', '--allow-empty', '-m', 'over ssh']);
    const push = await run('git', ['-C', dest, 'push', 'origin', 'HEAD:refs/heads/ssh-branch'], { env: gitSshEnv(aliceKey, knownHosts) });
    expect(push.code, push.stderr).toBe(0);
    const pushes = sim.context.store.state.hosts[0]!.projects[0]!.repositories[0]!.pushes;
    expect(pushes.at(-1)!.refUpdates[0]!.name).toBe('refs/heads/ssh-branch');
  });

  it('serves Server collections over SSH at {collection}/{project}/_git/{repo}', async () => {
    const url = `ssh://127.0.0.1:${sim.sshPort}/DefaultCollection/Tools/_git/build`;
    const r = await run('git', ['ls-remote', url], { env: gitSshEnv(aliceKey, knownHosts) });
    expect(r.code, r.stderr).toBe(0);
  });

  it('says "Shell access is not supported." to ssh -T', async () => {
    const r = await run('ssh', ['-T', '-p', String(sim.sshPort), '-i', aliceKey, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, 'git@127.0.0.1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Shell access is not supported.');
  });

  it('refuses an unregistered key with Permission denied (publickey)', async () => {
    const r = await run('git', ['ls-remote', `ssh://git@127.0.0.1:${sim.sshPort}/v3/fabrikam/Fiber%20Web/web`], { env: gitSshEnv(strangerKey, knownHosts) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Permission denied (publickey)');
  });

  it('answers the remote TF401019 line for a repository the key cannot reach', async () => {
    const r = await run('git', ['ls-remote', `ssh://git@127.0.0.1:${sim.sshPort}/v3/fabrikam/Fiber%20Web/missing`], { env: gitSshEnv(bobKey, knownHosts) });
    expect(r.code).toBe(128);
    expect(r.stderr).toContain('remote: TF401019');
  });
});
