// How git gets the connection's credential, and every failure a user can cause, each with its code: a refused token
// or key, a host key that is not the pinned one, a Server host key nobody pinned, a full disk, an untrusted CA.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../simulator/index.js';
import type { Connection } from '../../src/connections/connection.js';
import { gitRemoteFor } from '../../src/git/git-remote.js';
import { fetchMirror } from '../../src/git/mirror.js';
import { connectionFor, simulatorEndpoints, sshKeyCredential } from '../connections/doctor/doctor-helpers.js';
import { rejection } from '../helpers/rejection.js';
import { fsck, mirrorWorld, PROJECT, refsOf, type MirrorWorld, type Mode } from './mirror-world.js';

const exec = promisify(execFile);
let w: MirrorWorld;
let n = 0;

beforeAll(async () => {
  w = await mirrorWorld();
  for (const mode of ['services', 'server'] as const) await w.push(mode, 'web', 2);
});
afterAll(async () => {
  await w?.close();
});

function newDir(label: string): string {
  n += 1;
  return path.join(w.dir, 'remote-tests', `${label}-${n}.git`);
}

async function fetchAs(connection: Connection, o: { repository?: string; dir?: string } = {}) {
  const remote = await gitRemoteFor(connection, w.endpoints, PROJECT, o.repository ?? 'web');
  try {
    return await fetchMirror({ dir: o.dir ?? newDir('fetch'), remote, retries: 0, repository: `${PROJECT}/${o.repository ?? 'web'}` });
  } finally {
    await remote.cleanup();
  }
}

describe('HTTPS', () => {
  it('puts no credential in the URL and scopes the header to the organization', async () => {
    const remote = await gitRemoteFor(w.connection('services', 'https'), w.endpoints, PROJECT, 'web');
    expect(remote.url).toBe(`${w.sim.url}/fabrikam/Fiber%20Web/_git/web`);
    expect(remote.url).not.toContain(w.pat);
    const entries = Object.entries(remote.env);
    expect(entries).toContainEqual(['GIT_CONFIG_KEY_1', `http.${w.sim.url}/fabrikam/.extraHeader`]);
    expect(entries).toContainEqual(['GIT_CONFIG_VALUE_1', `Authorization: Basic ${Buffer.from(`:${w.pat}`).toString('base64')}`]);
    expect(remote.env.GIT_TERMINAL_PROMPT).toBe('0');
    await remote.cleanup();
  });

  it('sends the PAT and the custom headers as HTTP headers, and nothing to other organizations', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(404).end('TF401019: not here');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const connection = connectionFor(`http://127.0.0.1:${port}/Proxied`, { type: 'pat', token: w.pat }, {
        customHeaders: [
          { name: 'CF-Access-Client-Id', value: 'client-id.access', secret: false },
          { name: 'CF-Access-Client-Secret', value: 'very-secret-header-value', secret: true },
        ],
      });
      await rejection(fetchAs(connection));
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from(`:${w.pat}`).toString('base64')}`);
      expect(seen[0]!['cf-access-client-id']).toBe('client-id.access');
      expect(seen[0]!['cf-access-client-secret']).toBe('very-secret-header-value');

      // The same environment reaching another collection on that host (a submodule, a redirect) sends none of it.
      seen.length = 0;
      const remote = await gitRemoteFor(connection, w.endpoints, PROJECT, 'web');
      await exec('git', ['ls-remote', `http://127.0.0.1:${port}/Elsewhere/p/_git/r`], { env: { ...process.env, ...remote.env } }).catch(() => undefined);
      await remote.cleanup();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((h) => h.authorization === undefined && h['cf-access-client-secret'] === undefined)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('fetches with a service principal\'s Entra token as a bearer header', async () => {
    const { principal, clientSecret } = await w.sim.control.createServicePrincipal({ displayName: 'ci', hosts: ['fabrikam'] });
    const connection = connectionFor('https://dev.azure.com/fabrikam', {
      type: 'servicePrincipal',
      tenantId: principal.tenantId,
      clientId: principal.appId,
      clientSecret,
    });
    const remote = await gitRemoteFor(connection, w.endpoints, PROJECT, 'web');
    expect(remote.env.GIT_CONFIG_VALUE_1).toMatch(/^Authorization: Bearer ey/);
    await remote.cleanup();
    expect((await fetchAs(connection)).created).toBe(true);
  });

  it('reports a refused PAT as AZDO_GIT_AUTH_FAILED', async () => {
    for (const mode of ['services', 'server'] as const) {
      const connection = { ...w.connection(mode, 'https'), credential: { type: 'pat' as const, token: 'x'.repeat(52) } };
      const error = await rejection(fetchAs(connection));
      expect(error.code).toBe('AZDO_GIT_AUTH_FAILED');
      expect(error.hint).toMatch(/Code \(Read\)/);
      expect(JSON.stringify(error)).not.toContain('x'.repeat(52));
    }
  });

  it('trusts a Server\'s private CA through the connection\'s CA bundle, and names an untrusted one', async () => {
    const tls = await startSimulator({ seed: 'empty', tls: true });
    try {
      await tls.control.createHost({ name: 'Secure', kind: 'server', serverVersion: '2022.1' });
      const user = await tls.control.createUser({ uniqueName: 'carol@example.com', hosts: ['Secure'] });
      const { token } = await tls.control.createPat({ user: user.id, scope: 'app_token' });
      await tls.control.createProject('Secure', { name: PROJECT });
      await tls.control.createRepository('Secure', PROJECT, { name: 'web' });
      const ca = await readFile(tls.caFile!, 'utf8');
      const url = `${tls.url}/Secure`;
      const endpoints = simulatorEndpoints(tls);
      const trusted = connectionFor(url, { type: 'pat', token }, { tls: { caBundle: ca } });
      const remote = await gitRemoteFor(trusted, endpoints, PROJECT, 'web');
      const caFile = remote.env.GIT_SSL_CAINFO!;
      try {
        expect(await readFile(caFile, 'utf8')).toContain(ca.trim());
        expect((await stat(caFile)).mode & 0o777).toBe(0o600);
        const result = await fetchMirror({ dir: newDir('tls'), remote, retries: 0 });
        expect(result.empty).toBe(true);
      } finally {
        await remote.cleanup();
      }
      await expect(stat(caFile)).rejects.toThrow();

      const untrusted = await gitRemoteFor(connectionFor(url, { type: 'pat', token }), endpoints, PROJECT, 'web');
      const error = await rejection(fetchMirror({ dir: newDir('untrusted'), remote: untrusted, retries: 0 }));
      expect(error.code).toBe('AZDO_TLS_UNTRUSTED');
      expect(error.hint).toContain('--ca-file');
    } finally {
      await tls.stop();
    }
  });
});

describe('secrets', () => {
  /** The command lines of this process's descendants (git, ssh, index-pack), sampled every 2 ms while `work` runs. */
  async function commandLines(work: Promise<unknown>): Promise<string[]> {
    const seen = new Set<string>();
    let done = false;
    const finished = work.finally(() => (done = true));
    const children = async (pid: number): Promise<number[]> => {
      const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
      const lists = await Promise.all(tasks.map((t) => readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '')));
      return lists.join(' ').split(/\s+/).filter((x) => x !== '').map(Number);
    };
    while (!done) {
      const queue = await children(process.pid);
      while (queue.length > 0) {
        const pid = queue.shift()!;
        const line = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (line) seen.add(line.split('\0').join(' '));
        queue.push(...(await children(pid)));
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await finished;
    return [...seen];
  }

  it('never puts the PAT, its header or the private key on a command line, nor in the mirror', async () => {
    const basicValue = Buffer.from(`:${w.pat}`).toString('base64');
    const keyLines = w.sshKey.privateKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    // Slower answers keep git alive long enough to be seen.
    await w.fault({ path: 'git-upload-pack', latencyMs: 300, times: 2 });
    for (const transport of ['https', 'ssh'] as const) {
      const dir = newDir(`secret-${transport}`);
      const lines = await commandLines(fetchAs(w.connection('server', transport), { dir }));
      expect(lines.some((l) => l.includes('git') && (l.includes('clone') || l.includes('upload-pack')))).toBe(true);
      for (const line of lines) {
        expect(line).not.toContain(w.pat);
        expect(line).not.toContain(basicValue);
        for (const k of keyLines) expect(line).not.toContain(k);
      }
      const files = await readdir(dir, { recursive: true });
      for (const f of files) {
        const full = path.join(dir, f);
        if (!(await stat(full)).isFile()) continue;
        const text = await readFile(full, 'latin1');
        expect(text.includes(w.pat) || text.includes(basicValue), f).toBe(false);
      }
    }
  });
});

describe('SSH', () => {
  it('uses a key file only the user can read, removed by cleanup, and no agent', async () => {
    const remote = await gitRemoteFor(w.connection('server', 'ssh'), w.endpoints, PROJECT, 'web');
    expect(remote.url).toBe(`ssh://127.0.0.1:${w.sim.sshPort}/DefaultCollection/Fiber%20Web/_git/web`);
    const command = remote.env.GIT_SSH_COMMAND!;
    for (const option of ['IdentitiesOnly=yes', 'IdentityAgent=none', 'BatchMode=yes', 'StrictHostKeyChecking=yes']) expect(command).toContain(option);
    const keyFile = /'-i' '([^']+)'/.exec(command)![1]!;
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(keyFile, 'utf8')).toContain('PRIVATE KEY');
    await remote.cleanup();
    await expect(stat(keyFile)).rejects.toThrow();
  });

  it('builds the v3 URL for Services at the configured SSH endpoint', async () => {
    const remote = await gitRemoteFor(w.connection('services', 'ssh'), w.endpoints, PROJECT, 'web');
    expect(remote.url).toBe(`ssh://git@127.0.0.1:${w.sim.sshPort}/v3/fabrikam/Fiber%20Web/web`);
    await remote.cleanup();
  });

  it('refuses a Server whose SSH host key nobody pinned, before connecting', async () => {
    const connection = { ...w.connection('server', 'ssh'), name: 'onprem', ssh: { port: w.sim.sshPort } };
    const error = await rejection(gitRemoteFor(connection, w.endpoints, PROJECT, 'web'));
    expect(error.code).toBe('AZDO_SSH_HOST_KEY_UNCONFIRMED');
    expect(error.hint).toContain('azdo-connect connection test onprem');
  });

  it('refuses a host key that is not the pinned one, in both modes', async () => {
    const other = (await sshKeyCredential()).publicKey.split(' ').slice(0, 2).join(' ');
    const server = { ...w.connection('server', 'ssh'), ssh: { port: w.sim.sshPort, knownHosts: `[127.0.0.1]:${w.sim.sshPort} ${other}` } };
    const serverError = await rejection(fetchAs(server));
    expect(serverError.code).toBe('AZDO_SSH_HOST_KEY_MISMATCH');

    const wrongPin = { ...w.endpoints, pinnedHostKeys: ['SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og'] };
    const remote = await gitRemoteFor(w.connection('services', 'ssh'), wrongPin, PROJECT, 'web');
    try {
      const error = await rejection(fetchMirror({ dir: newDir('pin'), remote, retries: 0 }));
      expect(error.code).toBe('AZDO_SSH_HOST_KEY_MISMATCH');
    } finally {
      await remote.cleanup();
    }
  });

  it('reports a key Azure DevOps does not know as AZDO_SSH_KEY_REJECTED', async () => {
    const stranger = await sshKeyCredential();
    for (const mode of ['services', 'server'] as const) {
      const error = await rejection(fetchAs({ ...w.connection(mode, 'ssh'), credential: stranger }));
      expect(error.code).toBe('AZDO_SSH_KEY_REJECTED');
      expect(error.message).toContain('Permission denied (publickey)');
    }
  });
});

describe('a full disk', () => {
  const mountPoint = (): string => path.join(w.dir, 'tiny');

  beforeAll(async () => {
    await mkdir(mountPoint(), { recursive: true });
    await exec('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint()]);
  });
  afterAll(async () => {
    await exec('umount', [mountPoint()]).catch(() => undefined);
  });

  it.each(['https', 'ssh'] as const)('over %s stops with AZDO_DISK_FULL and leaves the mirror as it was', async (transport) => {
    const mode: Mode = 'services';
    const repository = `disk-${transport}`;
    await w.sim.control.createRepository('fabrikam', PROJECT, { name: repository });
    await w.push(mode, repository, 2);
    const dir = path.join(mountPoint(), `${repository}.git`);
    await fetchAs(w.connection(mode, transport), { dir, repository });
    const before = await refsOf(dir);
    // Random bytes do not compress: 2 MB cannot fit in a 1 MB file system.
    await w.push(mode, repository, 1, { files: { '/big.bin': randomBytes(2 * 1024 * 1024) } });
    const error = await rejection(fetchAs(w.connection(mode, transport), { dir, repository }));
    expect(error.code).toBe('AZDO_DISK_FULL');
    expect(error.message).toContain('left as it was');
    expect(await refsOf(dir)).toEqual(before);
    expect((await fsck(dir)).code).toBe(0);
    // Nothing half-written is left to fill the disk further.
    expect((await readdir(path.join(dir, 'objects', 'pack'))).filter((f) => f.startsWith('tmp_'))).toEqual([]);
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('leaves no mirror when the first clone fills the disk', async () => {
    const dir = path.join(mountPoint(), 'disk-first.git');
    const error = await rejection(fetchAs(w.connection('services', 'https'), { dir, repository: 'disk-https' }));
    expect(error.code).toBe('AZDO_DISK_FULL');
    expect((await readdir(mountPoint())).filter((f) => f.startsWith('disk-first'))).toEqual([]);
  });
});
