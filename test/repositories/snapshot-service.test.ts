// Snapshots through connections against the demo simulator, with the real git, ssh and tar: the submodule demo
// (app-with-submodule -> shared-lib, same organization) over HTTPS and SSH, Services and Server, .azdoignore,
// submodules in another organization, and refs that do not exist.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { Connection } from '../../src/connections/connection.js';
import type { ConnectionService } from '../../src/connections/connection-service.js';
import { knownHostsLine, scanHostKeys } from '../../src/connections/doctor/ssh-host-keys.js';
import { openConnectionService } from '../../src/connections/open-connection-service.js';
import { fetchRepository } from '../../src/repositories/mirror-service.js';
import { snapshotRepository } from '../../src/repositories/snapshot-service.js';
import { bareRepo, tarFiles, tarRead } from '../git/snapshot-repos.js';
import { rejection } from '../helpers/rejection.js';
import { run, tempDir } from '../simulator/helpers.js';

let sim: RunningSimulator;
let connections: ConnectionService;
let dir: string;
let cleanup: () => Promise<void>;
let dataDir: string;
let n = 0;
const out = (): string => path.join(dir, `snapshot-${++n}.tar.gz`);

async function connection(name: string): Promise<Connection> {
  return connections.getConnection(name);
}

/** The tip of a branch in the simulator's own repository. */
async function tipOf(host: string, project: string, repository: string, branch = 'main'): Promise<string> {
  const { repository: r } = sim.control.repository(host, project, repository);
  return (await sim.context.repos.git(r).resolve(`refs/heads/${branch}`))!;
}

/** Imports a repository whose one commit holds `files` (submodule links included) into the simulator. */
async function importRepository(host: string, project: string, name: string, files: Parameters<typeof bareRepo>[1]): Promise<void> {
  const { repo } = await bareRepo(dir, files);
  await sim.control.createRepository(host, project, { name, fromDirectory: repo });
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo' });
  ({ dir, cleanup } = await tempDir('azdo-snapshot-service-'));
  dataDir = path.join(dir, 'data');
  connections = await openConnectionService({ env: { AZDO_CONNECT_DATA: dataDir, ...sim.ready.env } });
  const alice = sim.ready.users.find((u) => u.name === 'alice@example.com')!;
  const pat = alice.pats.find((p) => p.name === 'full')!.token;
  const privateKey = await readFile(alice.sshPrivateKeyPath!, 'utf8');
  const scan = await scanHostKeys('127.0.0.1', sim.sshPort, ['rsa'], 5000);
  if (!scan.ok) throw new Error(scan.detail);
  const knownHosts = knownHostsLine('127.0.0.1', sim.sshPort, scan.keys[0]!);
  const services = 'https://dev.azure.com/fabrikam';
  const server = `${sim.url}/DefaultCollection`;
  await connections.addConnection({ name: 'fabrikam', url: services, credential: { type: 'pat', token: pat } });
  await connections.addConnection({ name: 'fabrikam-ssh', url: services, credential: { type: 'ssh', privateKey } });
  await connections.addConnection({ name: 'onprem', url: server, credential: { type: 'pat', token: pat } });
  await connections.addConnection({ name: 'onprem-ssh', url: server, credential: { type: 'ssh', privateKey }, ssh: { port: sim.sshPort, knownHosts } });

  // Server mode has no submodule in the demo seed: one like fabrikam's, pointing at the collection's portal.
  const portal = await tipOf('DefaultCollection', 'Intranet', 'portal');
  await importRepository('DefaultCollection', 'Intranet', 'portal-app', {
    'app.txt': 'app\n',
    '.gitmodules': '[submodule "portal"]\n\tpath = deps/portal\n\turl = ../portal\n',
    'deps/portal': { link: portal },
  });
  // A submodule in another organization (contoso), written as its absolute Services URL.
  const website = await tipOf('contoso', 'Website', 'website');
  await importRepository('fabrikam', 'Platform', 'app-with-external', {
    'app.txt': 'app\n',
    '.gitmodules': '[submodule "site"]\n\tpath = site\n\turl = https://dev.azure.com/contoso/Website/_git/website\n',
    site: { link: website },
  });
}, 120_000);

afterAll(async () => {
  await connections?.close();
  await sim?.stop();
  await cleanup?.();
});

describe.each([
  ['fabrikam', 'https'],
  ['fabrikam-ssh', 'ssh'],
] as const)('the demo submodule through %s (%s)', (name, _transport) => {
  it('includes shared-lib at the pinned commit, fetched through the same connection', async () => {
    const file = out();
    const target = { connection: await connection(name), project: 'Platform', repository: 'app-with-submodule' };
    const result = await snapshotRepository(connections, target, 'main', file, { dataDir });
    expect(result).toMatchObject({ connection: name, project: 'Platform', repository: 'app-with-submodule', ref: 'main', path: file, ignoreFile: false, skippedPaths: 0 });
    expect(result.commit).toBe(await tipOf('fabrikam', 'Platform', 'app-with-submodule'));
    expect(await tarFiles(file)).toEqual(['.gitmodules', 'README.md', 'lib/shared/README.md', 'lib/shared/src/dates.ts', 'lib/shared/src/strings.ts', 'src/main.ts']);
    expect(await tarRead(file, 'lib/shared/src/strings.ts')).toBe('export const trim = (s: string) => s.trim();\n');
    expect(result.files).toBe(6);
    expect(result.submodules).toEqual([
      {
        path: 'lib/shared',
        url: '../shared-lib',
        commit: await tipOf('fabrikam', 'Platform', 'shared-lib'),
        status: 'included',
        files: 3,
        connection: name,
        repository: 'Platform/shared-lib',
      },
    ]);
  });
});

describe.each([
  ['onprem', 'https'],
  ['onprem-ssh', 'ssh'],
] as const)('a Server collection through %s (%s)', (name, _transport) => {
  it('includes a submodule of the same collection', async () => {
    const file = out();
    const target = { connection: await connection(name), project: 'Intranet', repository: 'portal-app' };
    const result = await snapshotRepository(connections, target, undefined, file, { dataDir });
    expect(result.ref).toBe('main');
    expect(await tarFiles(file)).toEqual(['.gitmodules', 'app.txt', 'deps/portal/README.md']);
    expect(result.submodules).toMatchObject([{ path: 'deps/portal', status: 'included', connection: name, repository: 'Intranet/portal' }]);
  });
});

describe('snapshotRepository', () => {
  it('fails with AZDO_SUBMODULE_OTHER_ORGANIZATION for a submodule in another organization, naming it, and writes nothing', async () => {
    const file = out();
    const target = { connection: await connection('fabrikam'), project: 'Platform', repository: 'app-with-external' };
    const error = await rejection(snapshotRepository(connections, target, 'main', file, { dataDir }));
    expect(error.code).toBe('AZDO_SUBMODULE_OTHER_ORGANIZATION');
    expect(error.message).toContain('site (it lives in organization "contoso"');
    expect(error.hint).toContain('Add a connection to organization "contoso"');
    expect(error.hint).toContain('--allow-missing-submodules');
    expect(error.details?.submodules).toEqual([
      expect.objectContaining({ path: 'site', url: 'https://dev.azure.com/contoso/Website/_git/website', code: 'AZDO_SUBMODULE_OTHER_ORGANIZATION' }),
    ]);
    expect((await run('test', ['-e', file])).code).not.toBe(0);
  });

  it('with allowMissingSubmodules, writes the rest and reports the submodule in another organization as missing', async () => {
    const file = out();
    const target = { connection: await connection('fabrikam'), project: 'Platform', repository: 'app-with-external' };
    const result = await snapshotRepository(connections, target, 'main', file, { dataDir, allowMissingSubmodules: true });
    expect(await tarFiles(file)).toEqual(['.gitmodules', 'app.txt']);
    expect(result.submodules).toEqual([
      expect.objectContaining({ path: 'site', status: 'missing', code: 'AZDO_SUBMODULE_OTHER_ORGANIZATION', reason: expect.stringContaining('organization "contoso"') }),
    ]);
  });

  it('fetches a submodule in another organization through the workspace connection to it, once there is one', async () => {
    const alice = sim.ready.users.find((u) => u.name === 'alice@example.com')!;
    const pat = alice.pats.find((p) => p.name === 'full')!.token;
    await connections.addConnection({ name: 'contoso', url: 'https://dev.azure.com/contoso', credential: { type: 'pat', token: pat } });
    try {
      const file = out();
      const target = { connection: await connection('fabrikam'), project: 'Platform', repository: 'app-with-external' };
      const result = await snapshotRepository(connections, target, 'main', file, { dataDir });
      expect(await tarFiles(file)).toEqual(['.gitmodules', 'app.txt', 'site/index.html']);
      expect(result.submodules).toMatchObject([{ path: 'site', status: 'included', connection: 'contoso', repository: 'Website/website' }]);
    } finally {
      await connections.removeConnection('contoso');
    }
  });

  it('leaves out what .azdoignore names, and snapshots a branch as it is on the server now', async () => {
    const file = out();
    await sim.control.pushCommits({
      host: 'fabrikam',
      project: 'Platform',
      repository: 'shared-lib',
      branch: 'with-ignore',
      commits: [{ message: 'Ignore docs', changes: [{ changeType: 'add', path: '/.azdoignore', content: Buffer.from('*.md\n!src/\n') }] }],
    });
    const target = { connection: await connection('fabrikam'), project: 'Platform', repository: 'shared-lib' };
    const result = await snapshotRepository(connections, target, 'with-ignore', file, { dataDir });
    expect(await tarFiles(file)).toEqual(['.azdoignore', 'src/dates.ts', 'src/strings.ts']);
    expect(result).toMatchObject({ ignoreFile: true, skippedPaths: 1, files: 3, ref: 'with-ignore', commit: await tipOf('fabrikam', 'Platform', 'shared-lib', 'with-ignore') });
  });

  it('snapshots from a partial mirror, whose file contents git fetches with the connection credential as it needs them', async () => {
    const alice = sim.ready.users.find((u) => u.name === 'alice@example.com')!;
    const pat = alice.pats.find((p) => p.name === 'full')!.token;
    await connections.addConnection({ name: 'partial', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: pat } });
    try {
      const target = { connection: await connection('partial'), project: 'Fabrikam Fiber', repository: 'web' };
      const fetched = await fetchRepository(connections, target, { dataDir, filter: 'blob:none' });
      expect(fetched.mirror.partial).toBe(true);
      const file = out();
      const result = await snapshotRepository(connections, target, 'main', file, { dataDir, fetch: false });
      expect(result.files).toBe(5);
      expect(await tarRead(file, 'src/contact.html')).toBe('<h1>Contact us</h1>\n');
    } finally {
      await connections.removeConnection('partial');
    }
  });

  it('takes a tag or a commit id as well as a branch', async () => {
    const commit = await tipOf('fabrikam', 'Platform', 'shared-lib');
    const target = { connection: await connection('fabrikam'), project: 'Platform', repository: 'shared-lib' };
    const byId = await snapshotRepository(connections, target, commit, out(), { dataDir });
    expect(byId.commit).toBe(commit);
    const byShortId = await snapshotRepository(connections, target, commit.slice(0, 10), out(), { dataDir });
    expect(byShortId.commit).toBe(commit);
  });

  it('fails with AZDO_BRANCH_NOT_FOUND for a branch that does not exist', async () => {
    const target = { connection: await connection('fabrikam'), project: 'Platform', repository: 'shared-lib' };
    const error = await rejection(snapshotRepository(connections, target, 'no-such-branch', out(), { dataDir }));
    expect(error.code).toBe('AZDO_BRANCH_NOT_FOUND');
  });

  it('fails with AZDO_VERSION_NOT_FOUND for a commit id that does not exist', async () => {
    const target = { connection: await connection('fabrikam-ssh'), project: 'Platform', repository: 'shared-lib' };
    const error = await rejection(snapshotRepository(connections, target, '0123456789abcdef0123456789abcdef01234567', out(), { dataDir }));
    expect(error.code).toBe('AZDO_VERSION_NOT_FOUND');
  });

  it('fails with AZDO_REPOSITORY_EMPTY for a repository without commits', async () => {
    const target = { connection: await connection('fabrikam'), project: 'Fabrikam Fiber', repository: 'empty-repo' };
    const error = await rejection(snapshotRepository(connections, target, undefined, out(), { dataDir }));
    expect(error.code).toBe('AZDO_REPOSITORY_EMPTY');
  });
});
