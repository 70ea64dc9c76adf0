// Resolving every URL form users paste to the object it names, through the matching connection, against the demo
// simulator (Services through dev.azure.com pointed at it, and a Server collection).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBranches } from '../../src/repositories/browse-service.js';
import { resolveRepositoryArgument } from '../../src/repositories/repository-target.js';
import { resolveUrl } from '../../src/repositories/resolve.js';
import { rejection } from '../helpers/rejection.js';
import { repositoryWorld, type RepositoryWorld } from './repository-world.js';

let w: RepositoryWorld;
let sim: string;
const WEB = 'Fabrikam%20Fiber/_git/web';
let mainTip: string;
let loginTip: string;

beforeAll(async () => {
  w = await repositoryWorld();
  sim = w.sim.url;
  // A repository named like its project, whose URLs may leave the project out.
  await w.sim.control.createProject('fabrikam', { name: 'tools' });
  await w.sim.control.createRepository('fabrikam', 'tools', { name: 'tools' });
  const branches = await listBranches(w.connections, await resolveRepositoryArgument(w.connections, 'Fabrikam Fiber/web', { connection: 'fabrikam' }));
  mainTip = branches.find((b) => b.name === 'main')!.commitId;
  loginTip = branches.find((b) => b.name === 'feature/login')!.commitId;
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('clone URLs', () => {
  // Functions: the simulator's address is known only once it runs.
  it.each<[string, () => string]>([
    ['an HTTPS clone URL with user@', () => `https://fabrikam@dev.azure.com/fabrikam/${WEB}`],
    ['the simulator\'s HTTPS clone URL with user@', () => `${sim.replace('://', '://fabrikam@')}/fabrikam/${WEB}`],
    ['an SSH v3 URL', () => 'git@ssh.dev.azure.com:v3/fabrikam/Fabrikam%20Fiber/web'],
    ['the simulator\'s SSH URL', () => `ssh://git@127.0.0.1:${w.sim.sshPort}/v3/fabrikam/Fabrikam%20Fiber/web`],
    ['a legacy visualstudio.com URL', () => 'https://fabrikam.visualstudio.com/Fabrikam%20Fiber/_git/web'],
    ['an _optimized clone URL', () => 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/_optimized/web'],
  ])('resolves %s to the repository', async (_, url) => {
    const resolved = await resolveUrl(w.connections, url());
    expect(resolved.type).toBe('repository');
    expect(resolved.connection).toBe('fabrikam');
    expect(resolved.repository).toMatchObject({ name: 'web', project: { name: 'Fabrikam Fiber' }, state: 'ok', defaultBranch: 'main' });
  });

  it('resolves a URL that leaves out the project of a repository named like it', async () => {
    const resolved = await resolveUrl(w.connections, 'https://dev.azure.com/fabrikam/_git/tools');
    expect(resolved.repository).toMatchObject({ name: 'tools', project: { name: 'tools' }, state: 'empty' });
  });

  it('resolves an empty and a disabled repository as such', async () => {
    expect((await resolveUrl(w.connections, `https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/empty-repo`)).repository.state).toBe('empty');
    expect((await resolveUrl(w.connections, `https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/legacy`)).repository.state).toBe('disabled');
  });

  it('resolves Server HTTPS and SSH clone URLs through the Server connection', async () => {
    for (const url of [`${sim}/DefaultCollection/Intranet/_git/portal`, `ssh://127.0.0.1:${w.sim.sshPort}/DefaultCollection/Intranet/_git/portal`]) {
      const resolved = await resolveUrl(w.connections, url);
      expect(resolved).toMatchObject({ type: 'repository', connection: 'onprem', repository: { name: 'portal', project: { name: 'Intranet' } } });
    }
  });
});

describe('web URLs', () => {
  it('resolves a branch URL to the branch and its tip commit', async () => {
    const resolved = await resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}?version=GBfeature/login`);
    expect(resolved.type).toBe('branch');
    if (resolved.type !== 'branch') return;
    expect(resolved.branch).toMatchObject({ name: 'feature/login', commitId: loginTip, isDefault: false });
    expect(resolved.commit).toMatchObject({ commitId: loginTip, comment: 'Add a login form' });
  });

  it('resolves the older fragment form of a branch URL', async () => {
    const resolved = await resolveUrl(w.connections, `https://fabrikam.visualstudio.com/DefaultCollection/${WEB}/#version=GBmain`);
    expect(resolved.type === 'branch' && resolved.branch.commitId).toBe(mainTip);
  });

  it('resolves a commit URL to the commit', async () => {
    const resolved = await resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}/commit/${loginTip}`);
    expect(resolved).toMatchObject({ type: 'commit', commit: { commitId: loginTip, comment: 'Add a login form' } });
  });

  it('resolves a file URL to the file\'s content at the version it names', async () => {
    const resolved = await resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}?path=/src/login.html&version=GBfeature/login&_a=contents`);
    expect(resolved.type).toBe('file');
    if (resolved.type !== 'file') return;
    expect(resolved.version).toEqual({ type: 'branch', value: 'feature/login' });
    expect(resolved.file).toMatchObject({ path: '/src/login.html', commitId: loginTip });
    expect(resolved.file.content.toString('utf8')).toBe('<form><input name="user"></form>\n');
  });

  it('resolves a file URL without a version at the default branch, and a folder to its entries', async () => {
    const file = await resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}?path=/README.md`);
    expect(file.type === 'file' && file.file.commitId).toBe(mainTip);
    const folder = await resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}?path=/src&version=GC${loginTip}`);
    expect(folder.type).toBe('folder');
    if (folder.type !== 'folder') return;
    expect(folder.entries.map((e) => e.path)).toContain('/src/login.html');
  });

  it('resolves a pull request URL to the pull request with its commits', async () => {
    const resolved = await resolveUrl(w.connections, `${sim}/fabrikam/${WEB}/pullrequest/1#view=discussion`);
    expect(resolved.type).toBe('pullRequest');
    if (resolved.type !== 'pullRequest') return;
    expect(resolved.pullRequest).toMatchObject({ pullRequestId: 1, title: 'Add a login form', status: 'active' });
    expect(resolved.commits.map((c) => c.commitId)).toEqual([loginTip]);
  });

  it('reports the branch a URL names when it does not exist', async () => {
    const error = await rejection(resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}?version=GBgone`));
    expect(error.code).toBe('AZDO_BRANCH_NOT_FOUND');
  });

  it('reports the content of a disabled repository as unreadable', async () => {
    const error = await rejection(resolveUrl(w.connections, `https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/legacy?version=GBmain`));
    expect(error.code).toBe('AZDO_REPOSITORY_DISABLED');
  });
});

describe('choosing the connection', () => {
  it('refuses a URL that names no repository', async () => {
    const error = await rejection(resolveUrl(w.connections, 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber'));
    expect(error.code).toBe('AZDO_URL_NOT_REPOSITORY');
    expect(error.message).toContain('a project');
  });

  it('refuses text that is not a URL with the URL module\'s own error', async () => {
    const error = await rejection(resolveUrl(w.connections, 'https://github.com/a/b'));
    expect(error.code).toBe('AZDO_URL_UNSUPPORTED');
  });

  it('names the organization and the command to add a connection when none reaches it', async () => {
    const error = await rejection(resolveUrl(w.connections, 'https://dev.azure.com/contoso/Website/_git/website'));
    expect(error.code).toBe('AZDO_REPOSITORY_NO_CONNECTION');
    expect(error.message).toContain('contoso');
    expect(error.hint).toContain('azdo-connect connection add');
    expect(error.hint).toContain('https://dev.azure.com/contoso');
  });

  it('asks for --connection when several connections reach the organization, and uses the one named', async () => {
    await w.connections.addConnection({ name: 'fabrikam-2', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: w.pat } });
    try {
      const error = await rejection(resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}`));
      expect(error.code).toBe('AZDO_REPOSITORY_AMBIGUOUS_CONNECTION');
      expect(error.message).toContain('fabrikam-2');
      expect(error.hint).toContain('--connection');
      const resolved = await resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}`, { connection: 'fabrikam-2' });
      expect(resolved.connection).toBe('fabrikam-2');
    } finally {
      await w.connections.removeConnection('fabrikam-2');
    }
  });

  it('refuses a named connection to another organization', async () => {
    const error = await rejection(resolveUrl(w.connections, `https://dev.azure.com/fabrikam/${WEB}`, { connection: 'onprem' }));
    expect(error.code).toBe('AZDO_REPOSITORY_CONNECTION_MISMATCH');
  });

  it('takes project/repository with --connection, and asks for it when there are several connections', async () => {
    const target = await resolveRepositoryArgument(w.connections, 'Fabrikam Fiber/web', { connection: 'fabrikam' });
    expect(target).toMatchObject({ project: 'Fabrikam Fiber', repository: 'web', connection: { name: 'fabrikam' } });
    const error = await rejection(resolveRepositoryArgument(w.connections, 'Fabrikam Fiber/web'));
    expect(error.code).toBe('AZDO_REPOSITORY_AMBIGUOUS_CONNECTION');
    expect((await rejection(resolveRepositoryArgument(w.connections, 'web', { connection: 'fabrikam' }))).code).toBe('AZDO_REPOSITORY_ARGUMENT_INVALID');
  });

  it('keeps the version, path and pull request a URL names in the repository argument', async () => {
    const file = await resolveRepositoryArgument(w.connections, `https://dev.azure.com/fabrikam/${WEB}?path=/a.txt&version=GTv1`);
    expect(file).toMatchObject({ project: 'Fabrikam Fiber', repository: 'web', path: '/a.txt', version: { type: 'tag', value: 'v1' } });
    const pr = await resolveRepositoryArgument(w.connections, `https://dev.azure.com/fabrikam/${WEB}/pullrequest/7`);
    expect(pr.pullRequestId).toBe(7);
  });
});
