// The git credential helper with the real git: clone and push through the matching connection's credential, which
// never shows in a URL, a command line or .git/config; and the requests it must leave unanswered.
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatesFor, formatCredentialAnswer, parseCredentialRequest } from '../../src/git/credential-helper.js';
import { cliEnv, ROOT } from '../cli/run-cli.js';
import { run } from '../simulator/helpers.js';
import { mirrorWorld, PROJECT, type MirrorWorld } from './mirror-world.js';

let w: MirrorWorld;
const TSX = import.meta.resolve('tsx');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const HELPER = `!node --import ${TSX} ${MAIN} credential`;

beforeAll(async () => {
  w = await mirrorWorld();
  await w.push('services', 'web', 2);
  await w.push('server', 'web', 2);
});
afterAll(async () => {
  await w?.close();
});

/** Runs the helper as git would: the operation as argument, the request on stdin. */
function helper(operation: string, input: string, env: Record<string, string> = w.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, 'credential', operation], { cwd: w.dir, env: cliEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** git with only our helper, no user or system configuration, and no prompts. */
function git(args: string[], o: { cwd?: string; useHttpPath?: boolean } = {}) {
  const config = ['-c', 'credential.helper=', '-c', `credential.helper=${HELPER}`];
  if (o.useHttpPath !== false) config.push('-c', 'credential.useHttpPath=true');
  return run('git', [...config, ...args], {
    ...(o.cwd ? { cwd: o.cwd } : {}),
    env: { ...cliEnv(w.env), HOME: w.dir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' },
    timeoutMs: 120_000,
  });
}

describe('the protocol', () => {
  it('reads key=value lines up to the blank line', () => {
    expect(parseCredentialRequest('protocol=https\nhost=dev.azure.com\npath=fabrikam/p/_git/r\n\nignored=1\n')).toEqual({
      protocol: 'https',
      host: 'dev.azure.com',
      path: 'fabrikam/p/_git/r',
    });
  });

  it('answers nothing rather than a value with a line break, which would inject keys', () => {
    expect(formatCredentialAnswer({ username: 'u', password: 'p', connection: 'c' })).toBe('username=u\npassword=p\n');
    expect(formatCredentialAnswer({ username: 'u', password: 'p\nhost=evil', connection: 'c' })).toBe('');
  });
});

describe('which connection answers', () => {
  const simHost = (): string => new URL(w.sim.url).host;
  const names = async (request: Record<string, string>): Promise<string[]> =>
    candidatesFor(request, await w.connections.listAllConnections(), w.endpoints).map((c) => c.name);

  it('finds the organization or collection from the path, and never offers an SSH key', async () => {
    expect(await names({ protocol: 'http', host: simHost(), path: 'fabrikam/Fiber Web/_git/web' })).toEqual(['services-https']);
    expect(await names({ protocol: 'http', host: simHost(), path: 'DefaultCollection/Fiber Web/_git/web' })).toEqual(['server-https']);
    expect(await names({ protocol: 'https', host: 'dev.azure.com', path: 'fabrikam/Fiber%20Web/_git/web' })).toEqual(['services-https']);
  });

  it('finds a Services organization from the user name Azure DevOps puts in clone URLs', async () => {
    expect(await names({ protocol: 'https', host: 'dev.azure.com', username: 'fabrikam' })).toEqual(['services-https']);
    expect(await names({ protocol: 'http', host: simHost(), username: 'FABRIKAM' })).toEqual(['services-https']);
  });

  it('answers nothing when the request could mean several, or none', async () => {
    // The simulator serves the organization and the collection on one origin: without a path, either could be meant.
    expect(await names({ protocol: 'http', host: simHost() })).toEqual([]);
    expect(await names({ protocol: 'https', host: 'dev.azure.com', username: 'contoso' })).toEqual([]);
    expect(await names({ protocol: 'https', host: 'github.com', path: 'fabrikam/web' })).toEqual([]);
    expect(await names({ protocol: 'https', host: 'dev.azure.com', path: 'contoso/p/_git/r' })).toEqual([]);
    expect(await names({ protocol: 'ssh', host: 'ssh.dev.azure.com' })).toEqual([]);
    expect(await names({ host: 'dev.azure.com' })).toEqual([]);
  });
});

describe('as git\'s credential helper', () => {
  it('answers get with the PAT, and store and erase with nothing', async () => {
    const request = `protocol=http\nhost=${new URL(w.sim.url).host}\npath=fabrikam/Fiber Web/_git/web\n\n`;
    const got = await helper('get', request);
    expect(got).toEqual({ code: 0, stdout: `username=azdo-connect\npassword=${w.pat}\n`, stderr: '' });
    for (const operation of ['store', 'erase', 'something-new']) {
      expect(await helper(operation, `${request}username=x\npassword=y\n`)).toEqual({ code: 0, stdout: '', stderr: '' });
    }
  });

  it('answers nothing, and creates nothing, where there is no data directory', async () => {
    const got = await helper('get', 'protocol=https\nhost=dev.azure.com\nusername=fabrikam\n\n', { AZDO_CONNECT_DATA: path.join(w.dir, 'no-data-here') });
    expect(got).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await readdir(w.dir)).not.toContain('no-data-here');
  });

  it('lets git clone and push over HTTPS, with the token in no URL, command line or config file', async () => {
    const url = `${w.sim.url}/fabrikam/Fiber%20Web/_git/web`;
    const dest = path.join(w.dir, 'helper-clone');
    const seen = new Set<string>();
    let cloning = true;
    const sampler = (async () => {
      while (cloning) {
        for (const pid of await readdir('/proc').catch(() => [] as string[])) {
          if (/^\d+$/.test(pid)) seen.add(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''));
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const cloned = await git(['clone', url, dest]);
    cloning = false;
    await sampler;
    expect(cloned.code, cloned.stderr).toBe(0);
    expect([...seen].some((l) => l.includes('credential'))).toBe(true);
    for (const line of seen) expect(line).not.toContain(w.pat);
    const config = await readFile(path.join(dest, '.git', 'config'), 'utf8');
    expect(config).not.toContain(w.pat);
    expect(config).toContain(`url = ${url}\n`);

    await writeFile(path.join(dest, 'pushed.txt'), 'through the helper\n');
    await run('git', ['-C', dest, 'add', '.']);
    await run('git', ['-C', dest, '-c', 'user.name=A', '-c', 'user.email=a@example.com', 'commit', '-qm', 'pushed through the helper']);
    const pushed = await git(['-C', dest, 'push', 'origin', 'HEAD:refs/heads/helper']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const pushes = w.sim.context.store.state.hosts.find((h) => h.name === 'fabrikam')!.projects[0]!.repositories.find((r) => r.name === 'web')!.pushes;
    expect(pushes.at(-1)!.refUpdates[0]!.name).toBe('refs/heads/helper');
  });

  it('works without credential.useHttpPath from the organization in the clone URL\'s user name', async () => {
    const url = `${w.sim.url.replace('://', '://fabrikam@')}/fabrikam/Fiber%20Web/_git/web`;
    const r = await git(['ls-remote', url, 'refs/heads/main'], { useHttpPath: false });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f]{40}\trefs\/heads\/main$/m);
  });

  it('reaches a Server collection, and leaves a URL no connection matches to git\'s other means', async () => {
    const server = await git(['ls-remote', `${w.sim.url}/DefaultCollection/Fiber%20Web/_git/web`]);
    expect(server.code, server.stderr).toBe(0);
    await w.sim.control.createHost({ name: 'contoso' });
    const unknown = await git(['ls-remote', `${w.sim.url}/contoso/${encodeURIComponent(PROJECT)}/_git/web`]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/could not read Username|Authentication failed/);
  });

  it('gives a service principal\'s connection a fresh Entra token', async () => {
    await w.sim.control.createHost({ name: 'northwind' });
    const { principal, clientSecret } = await w.sim.control.createServicePrincipal({ displayName: 'ci', hosts: ['northwind'] });
    await w.sim.control.createProject('northwind', { name: PROJECT });
    await w.sim.control.createRepository('northwind', PROJECT, { name: 'web' });
    await w.connections.addConnection({
      name: 'northwind-sp',
      url: 'https://dev.azure.com/northwind',
      credential: { type: 'servicePrincipal', tenantId: principal.tenantId, clientId: principal.appId, clientSecret },
    });
    const got = await helper('get', `protocol=https\nhost=dev.azure.com\nusername=northwind\n\n`);
    expect(got.stdout).toMatch(/^username=northwind\npassword=ey[\w-]+\.[\w-]+\.[\w-]+\npassword_expiry_utc=\d+\n$/);
    expect(got.stdout).not.toContain(clientSecret);
    const r = await git(['ls-remote', `${w.sim.url}/northwind/${encodeURIComponent(PROJECT)}/_git/web`]);
    expect(r.code, r.stderr).toBe(0);
  });
});
