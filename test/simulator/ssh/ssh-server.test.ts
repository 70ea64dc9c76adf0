// The simulator's SSH server against the real OpenSSH client and real git.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateRsaHostKey,
  parseGitSshCommand,
  publicKeyFingerprint,
  startSshServer,
  type RunningSshServer,
  type SshUser,
} from '../../../simulator/ssh/ssh-server.js';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Async on purpose: the server under test lives in this process, a sync spawn would deadlock it.
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const tf401019 = (name: string) =>
  `TF401019: The Git repository with name or identifier ${name} does not exist or you do not have permissions for the operation you are attempting.`;

describe('parseGitSshCommand', () => {
  it('reads the forms git and other clients send', () => {
    expect(parseGitSshCommand("git-upload-pack 'v3/org/proj/repo'")).toEqual({ service: 'git-upload-pack', path: 'v3/org/proj/repo' });
    expect(parseGitSshCommand("git-receive-pack '/v3/org/proj/repo'")).toEqual({ service: 'git-receive-pack', path: '/v3/org/proj/repo' });
    expect(parseGitSshCommand('git-upload-pack "/DefaultCollection/proj/_git/repo"')).toEqual({
      service: 'git-upload-pack',
      path: '/DefaultCollection/proj/_git/repo',
    });
    expect(parseGitSshCommand('git-upload-pack v3/org/proj/repo')).toEqual({ service: 'git-upload-pack', path: 'v3/org/proj/repo' });
    expect(parseGitSshCommand("git upload-pack 'v3/o/p/r'")).toEqual({ service: 'git-upload-pack', path: 'v3/o/p/r' });
    // git's sq_quote escapes ' and ! by closing the quote.
    expect(parseGitSshCommand("git-upload-pack 'v3/o/p/it'\\''s'\\!''")).toEqual({ service: 'git-upload-pack', path: "v3/o/p/it's!" });
    expect(parseGitSshCommand('git-upload-pack "v3/o/p/a \\"b\\""')).toEqual({ service: 'git-upload-pack', path: 'v3/o/p/a "b"' });
  });

  it('refuses anything else', () => {
    for (const c of [
      'ls -la',
      'git-upload-pack',
      "git-upload-pack ''",
      "git-upload-pack 'a' 'b'",
      "git-upload-pack 'unterminated",
      "git-upload-archive 'v3/o/p/r'",
      "sh -c 'git-upload-pack x'",
      "git-upload-packx 'v3/o/p/r'",
    ]) {
      expect(parseGitSshCommand(c)).toBeUndefined();
    }
  });
});

describe('SSH server with real OpenSSH and git', () => {
  let root: string;
  let server: RunningSshServer | undefined;
  let knownHosts: string;
  let gitEnv: NodeJS.ProcessEnv;
  let bare: string;
  let hostKey: string;
  const keys: Record<'alice' | 'mallory' | 'bob', string> = { alice: '', mallory: '', bob: '' };
  const owners = new Map<string, SshUser>();
  const lookedUp: string[] = [];
  const resolved: { user: string; sshPath: string; service: string }[] = [];
  const pushes: { user: string; repoPath: string }[] = [];

  const srv = () => {
    if (!server) throw new Error('server not started');
    return server;
  };
  const sshOptions = (key: string, extra: string[] = []) => [
    '-F',
    '/dev/null',
    '-i',
    key,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-p',
    String(server?.port),
    ...extra,
  ];
  const ssh = (key: string, args: string[], extra: string[] = []) => run('ssh', [...sshOptions(key, extra), ...args], { env: gitEnv });
  const git = (args: string[], opts: { cwd?: string; key?: string; env?: NodeJS.ProcessEnv } = {}) =>
    run('git', args, {
      cwd: opts.cwd ?? root,
      env: {
        ...gitEnv,
        // Seeding runs before the server exists and needs no SSH.
        ...(server ? { GIT_SSH_COMMAND: ['ssh', ...sshOptions(opts.key ?? keys.alice)].map((a) => `'${a}'`).join(' ') } : {}),
        ...opts.env,
      },
    });
  const gitOk = async (args: string[], opts: { cwd?: string; key?: string; env?: NodeJS.ProcessEnv } = {}) => {
    const r = await git(args, opts);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };
  const blobOf = async (pubFile: string) => Buffer.from((await readFile(pubFile, 'utf8')).split(' ')[1] ?? '', 'base64');

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ssh-server-'));
    gitEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_') && k !== 'SSH_AUTH_SOCK') gitEnv[k] = v;
    Object.assign(gitEnv, {
      HOME: root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    });

    const keyDir = path.join(root, 'keys');
    await mkdir(keyDir);
    const keygen = async (name: string, args: string[]) => {
      const file = path.join(keyDir, name);
      const r = await run('ssh-keygen', ['-q', ...args, '-N', '', '-C', name, '-f', file]);
      if (r.code !== 0) throw new Error(r.stderr);
      return file;
    };
    [keys.alice, keys.mallory, keys.bob] = await Promise.all([
      keygen('alice', ['-t', 'rsa', '-b', '2048']),
      keygen('mallory', ['-t', 'rsa', '-b', '2048']),
      keygen('bob', ['-t', 'ed25519']),
    ]);
    owners.set((await blobOf(`${keys.alice}.pub`)).toString('base64'), { id: 'u-alice', name: 'alice' });
    // Registered, yet must never be accepted: Azure DevOps takes RSA keys only.
    owners.set((await blobOf(`${keys.bob}.pub`)).toString('base64'), { id: 'u-bob', name: 'bob' });

    bare = path.join(root, 'repos', 'repo.git');
    await mkdir(path.dirname(bare));
    await gitOk(['init', '-q', '--bare', '-b', 'main', bare]);
    const seed = path.join(root, 'seed');
    await gitOk(['init', '-q', '-b', 'main', seed]);
    await writeFile(path.join(seed, 'README.md'), '# over ssh\n');
    await gitOk(['add', '.'], { cwd: seed });
    await gitOk(['commit', '-q', '-m', 'initial'], { cwd: seed });
    await gitOk(['push', '-q', bare, 'main'], { cwd: seed });

    hostKey = generateRsaHostKey();
    server = await startSshServer({
      host: '127.0.0.1',
      port: 0,
      hostKey,
      findKeyOwner: (blob) => {
        lookedUp.push(blob.toString('base64'));
        return owners.get(blob.toString('base64'));
      },
      resolveRepo: (user, sshPath, service) => {
        resolved.push({ user: user.name, sshPath, service });
        const p = sshPath.replace(/^\/+/, '');
        const m = /^v3\/[^/]+\/[^/]+\/([^/]+)$/.exec(p) ?? /^[^/]+\/[^/]+\/_git\/([^/]+)$/.exec(p);
        const name = m?.[1] ?? p;
        if (name === 'repo') return Promise.resolve({ repoPath: bare });
        return Promise.resolve({ error: tf401019(name) });
      },
      onReceivePackDone: (user, repoPath) => {
        pushes.push({ user: user.name, repoPath });
        return Promise.resolve();
      },
    });
    knownHosts = path.join(root, 'known_hosts');
    await writeFile(knownHosts, `[127.0.0.1]:${srv().port} ${srv().hostPublicKey}\n`);
  });

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true, maxRetries: 5 });
  });

  it('reports the host key fingerprint as ssh-keygen -lf does', async () => {
    const pub = path.join(root, 'host.pub');
    await writeFile(pub, `${srv().hostPublicKey} host\n`);
    const r = await run('ssh-keygen', ['-lf', pub]);
    expect(r.stdout).toBe(`3072 ${srv().hostKeyFingerprint} host (RSA)\n`);
    expect(srv().hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);

    const alice = await run('ssh-keygen', ['-lf', `${keys.alice}.pub`]);
    expect(alice.stdout.split(' ')[1]).toBe(publicKeyFingerprint(await blobOf(`${keys.alice}.pub`)));
  });

  it('clones over SSH (scp-like v3 path) speaking protocol v0 although git asks for v2', async () => {
    const dir = path.join(root, 'clone-scp');
    const r = await gitOk(['-c', 'protocol.version=2', 'clone', `git@127.0.0.1:v3/org/proj/repo`, dir], {
      env: { GIT_TRACE_PACKET: '1' },
    });
    expect(r.stderr).not.toContain('git< version 2');
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toBe('# over ssh\n');
    expect(resolved.at(-1)).toEqual({ user: 'alice', sshPath: 'v3/org/proj/repo', service: 'git-upload-pack' });
  });

  it('pushes a new branch over ssh:// and reports it, then fetches it elsewhere', async () => {
    const url = `ssh://git@127.0.0.1:${srv().port}/v3/org/proj/repo`;
    const a = path.join(root, 'clone-a');
    await gitOk(['clone', '-q', url, a]);
    await gitOk(['checkout', '-q', '-b', 'feature'], { cwd: a });
    await writeFile(path.join(a, 'f.txt'), 'f\n');
    await gitOk(['add', '.'], { cwd: a });
    await gitOk(['commit', '-q', '-m', 'feature'], { cwd: a });
    const before = pushes.length;
    const push = await gitOk(['push', 'origin', 'feature'], { cwd: a });
    expect(push.stderr).toContain('* [new branch]      feature -> feature');
    expect(resolved.at(-1)).toEqual({ user: 'alice', sshPath: '/v3/org/proj/repo', service: 'git-receive-pack' });
    expect(pushes.slice(before)).toEqual([{ user: 'alice', repoPath: bare }]);
    const head = (await gitOk(['rev-parse', 'HEAD'], { cwd: a })).stdout.trim();
    expect((await gitOk(['--git-dir', bare, 'rev-parse', 'refs/heads/feature'])).stdout.trim()).toBe(head);

    await gitOk(['fetch', '-q', 'origin'], { cwd: path.join(root, 'clone-scp') });
    expect((await gitOk(['rev-parse', 'origin/feature'], { cwd: path.join(root, 'clone-scp') })).stdout.trim()).toBe(head);
  });

  it('moves megabytes both ways without losing the tail of the stream', async () => {
    const a = path.join(root, 'clone-a');
    await writeFile(path.join(a, 'big.bin'), randomBytes(4 * 1024 * 1024));
    await gitOk(['add', '.'], { cwd: a });
    await gitOk(['commit', '-q', '-m', 'big'], { cwd: a });
    await gitOk(['push', '-q', 'origin', 'HEAD:refs/heads/big'], { cwd: a });
    const b = path.join(root, 'clone-big');
    await gitOk(['clone', '-q', '-b', 'big', `git@127.0.0.1:v3/org/proj/repo`, b]);
    const [x, y] = await Promise.all([readFile(path.join(a, 'big.bin')), readFile(path.join(b, 'big.bin'))]);
    expect(x.equals(y)).toBe(true);
  });

  it('accepts the legacy vs-ssh form: org name as user, collection path', async () => {
    const r = await gitOk(['ls-remote', 'myorg@127.0.0.1:/DefaultCollection/proj/_git/repo']);
    expect(r.stdout).toMatch(/\trefs\/heads\/main\n/);
    expect(resolved.at(-1)?.sshPath).toBe('/DefaultCollection/proj/_git/repo');
  });

  it('surfaces a resolveRepo error as the remote: TF401019 line and exit code 128', async () => {
    const r = await git(['clone', 'git@127.0.0.1:v3/org/proj/nope', path.join(root, 'nope')]);
    expect(r.code).toBe(128);
    expect(r.stderr).toContain(`remote: ${tf401019('nope')}\n`);
    expect(r.stderr).toContain('fatal: Could not read from remote repository.');

    const direct = await ssh(keys.alice, ['git@127.0.0.1', "git-upload-pack 'v3/org/proj/nope'"]);
    expect(direct.code).toBe(128);
    expect(direct.stderr).toBe(`remote: ${tf401019('nope')}\n`);
  });

  it('refuses shell access: ssh -T and arbitrary commands', async () => {
    const t = await ssh(keys.alice, ['-T', 'git@127.0.0.1']);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('remote: Shell access is not supported.');
    expect(t.stdout).toBe('');

    const ls = await ssh(keys.alice, ['git@127.0.0.1', 'ls', '-la']);
    expect(ls.code).toBe(1);
    expect(ls.stderr).toContain('remote: Shell access is not supported.');
  });

  it('rejects an unknown RSA key with Permission denied (publickey)', async () => {
    const r = await ssh(keys.mallory, ['-T', 'git@127.0.0.1']);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Permission denied (publickey).');
    const g = await git(['ls-remote', 'git@127.0.0.1:v3/org/proj/repo'], { key: keys.mallory });
    expect(g.code).toBe(128);
    expect(g.stderr).toContain('Permission denied (publickey).');
  });

  it('rejects an Ed25519 key even when it is registered, without looking it up', async () => {
    const bobBlob = (await blobOf(`${keys.bob}.pub`)).toString('base64');
    const r = await ssh(keys.bob, ['-T', 'git@127.0.0.1']);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Permission denied (publickey).');
    expect(lookedUp).not.toContain(bobBlob);
  });

  it('rejects SHA-1 ssh-rsa signatures from a known key', async () => {
    const r = await ssh(keys.alice, ['-T', 'git@127.0.0.1'], ['-o', 'PubkeyAcceptedAlgorithms=ssh-rsa']);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Permission denied (publickey).');
  });

  it('offers only rsa-sha2-512 and rsa-sha2-256 host key algorithms', async () => {
    const r = await ssh(keys.alice, ['-T', 'git@127.0.0.1'], ['-o', 'HostKeyAlgorithms=ssh-rsa']);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('no matching host key type found. Their offer: rsa-sha2-512,rsa-sha2-256');
  });

  it('survives misbehaving clients', async () => {
    await new Promise<void>((resolve) => {
      const s = net.connect(srv().port, '127.0.0.1', () => {
        s.write('SSH-2.0-garbage\r\n');
        s.write(randomBytes(4096));
      });
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      setTimeout(() => s.destroy(), 500);
    });
    await new Promise<void>((resolve) => {
      const s = net.connect(srv().port, '127.0.0.1', () => s.destroy());
      s.on('close', () => resolve());
    });
    // A client that disconnects in the middle of an upload-pack conversation.
    const child = spawn('ssh', [...sshOptions(keys.alice), 'git@127.0.0.1', "git-upload-pack 'v3/org/proj/repo'"], {
      env: gitEnv,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => child.once('close', () => resolve()));

    const r = await gitOk(['ls-remote', 'git@127.0.0.1:v3/org/proj/repo']);
    expect(r.stdout).toContain('refs/heads/main');
  });
});
