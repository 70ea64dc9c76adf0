// The repository commands as users and scripts run them: the real CLI process against the demo simulator, with
// --json documents and the exit codes of docs/cli.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { repositoryWorld, type RepositoryWorld } from './repository-world.js';

let w: RepositoryWorld;
const WEB = 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/web';

beforeAll(async () => {
  w = await repositoryWorld();
}, 60_000);

afterAll(async () => {
  await w?.close();
});

const cli = (...args: string[]) => runCli(args, { env: w.env });

interface Json {
  [key: string]: unknown;
  error?: { code: string; message: string; hint: string };
}

describe('repos list', () => {
  it('lists the repositories of a connection as JSON, empty and disabled ones with their state', async () => {
    const result = await cli('repos', 'list', '--connection', 'fabrikam', '--json');
    expect(result.code).toBe(0);
    const json = result.json as { connection: string; repositories: Array<{ name: string; state: string }> };
    expect(json.connection).toBe('fabrikam');
    expect(json.repositories.map((r) => `${r.name}:${r.state}`)).toEqual([
      'empty-repo:empty',
      'legacy:disabled',
      'web:ok',
      'ios-app:ok',
      'app-with-submodule:ok',
      'monorepo:ok',
      'shared-lib:ok',
    ]);
    expect(result.stdout).not.toContain(w.pat);
  });

  it('prints a table for people', async () => {
    const result = await cli('repos', 'list', '--connection', 'onprem');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^REPOSITORY\s+STATE\s+DEFAULT BRANCH\s+URL/);
    expect(result.stdout).toContain('Intranet/portal');
  });

  it('exits 2 and asks for --connection when the workspace has several connections', async () => {
    const result = await cli('repos', 'list', '--json');
    expect(result.code).toBe(2);
    expect((result.json as Json).error?.code).toBe('AZDO_REPOSITORY_AMBIGUOUS_CONNECTION');
  });

  it('exits 4 for a connection that does not exist', async () => {
    const result = await cli('repos', 'list', '--connection', 'nope', '--json');
    expect(result.code).toBe(4);
    expect((result.json as Json).error?.code).toBe('AZDO_CONNECTION_NOT_FOUND');
  });
});

describe('repos select', () => {
  it('narrows what the connection shows, and --all widens it again', async () => {
    const select = await cli('repos', 'select', 'fabrikam', '--repo', 'Fabrikam Fiber/web', '--repo', 'Platform/shared-lib', '--json');
    expect(select.code).toBe(0);
    expect(select.json).toMatchObject({ connection: 'fabrikam', mode: 'list', repositories: [{ name: 'web' }, { name: 'shared-lib' }] });
    const listed = await cli('repos', 'list', '--connection', 'fabrikam', '--json');
    expect((listed.json as { repositories: Array<{ name: string }> }).repositories.map((r) => r.name)).toEqual(['web', 'shared-lib']);
    const hidden = await cli('repo', 'branches', 'Platform/monorepo', '--connection', 'fabrikam', '--json');
    expect(hidden.code).toBe(4);
    expect((hidden.json as Json).error?.code).toBe('AZDO_REPOSITORY_NOT_SELECTED');
    const shown = await cli('repos', 'select', 'fabrikam');
    expect(shown.stdout).toContain('2 selected repositories');
    const all = await cli('repos', 'select', 'fabrikam', '--all', '--json');
    expect(all.json).toEqual({ connection: 'fabrikam', mode: 'all', repositories: [] });
  });

  it('exits 2 when two ways of choosing are mixed', async () => {
    const result = await cli('repos', 'select', 'fabrikam', '--all', '--add', 'Platform/monorepo', '--json');
    expect(result.code).toBe(2);
  });
});

describe('repo prs', () => {
  it('lists pull requests by status', async () => {
    const result = await cli('repo', 'prs', WEB, '--status', 'all', '--json');
    expect(result.code).toBe(0);
    const prs = (result.json as { pullRequests: Array<{ pullRequestId: number; status: string }> }).pullRequests;
    expect(prs.map((p) => `${p.pullRequestId}:${p.status}`).sort()).toEqual(['1:active', '2:completed', '3:abandoned']);
  });

  it('shows the pull request a URL names, with its commits', async () => {
    const result = await cli('repo', 'prs', `${WEB}/pullrequest/1`, '--json');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ pullRequest: { pullRequestId: 1, title: 'Add a login form' }, commits: [{ comment: 'Add a login form' }] });
    const text = await cli('repo', 'prs', 'Fabrikam Fiber/web', '--connection', 'fabrikam', '--id', '1');
    expect(text.stdout).toContain('Pull request 1: Add a login form');
    expect(text.stdout).toContain('feature/login -> main');
  });

  it('exits 4 for a pull request or repository that does not exist', async () => {
    const pr = await cli('repo', 'prs', WEB, '--id', '999', '--json');
    expect(pr.code).toBe(4);
    expect((pr.json as Json).error?.code).toBe('AZDO_PULL_REQUEST_NOT_FOUND');
    const repo = await cli('repo', 'prs', 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/nope', '--json');
    expect(repo.code).toBe(4);
    expect((repo.json as Json).error?.code).toBe('AZDO_REPOSITORY_NOT_FOUND');
  });

  it('exits 2 for a status that does not exist', async () => {
    expect((await cli('repo', 'prs', WEB, '--status', 'merged', '--json')).code).toBe(2);
  });
});

describe('resolve', () => {
  it('resolves a file URL to its content', async () => {
    const result = await cli('resolve', `${WEB}?path=/src/login.html&version=GBfeature/login`, '--json');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({
      type: 'file',
      connection: 'fabrikam',
      version: { type: 'branch', value: 'feature/login' },
      file: { path: '/src/login.html', encoding: 'utf8', content: '<form><input name="user"></form>\n' },
    });
  });

  it('resolves an SSH URL of a Server repository', async () => {
    const result = await cli('resolve', `ssh://127.0.0.1:${w.sim.sshPort}/DefaultCollection/Intranet/_git/portal`, '--json');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ type: 'repository', connection: 'onprem', repository: { name: 'portal' } });
  });

  it('prints a branch and its tip for people', async () => {
    const result = await cli('resolve', `${WEB}?version=GBfeature/login`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Branch feature/login of Fabrikam Fiber/web (connection fabrikam)');
    expect(result.stdout).toContain('Add a login form');
  });

  it('exits 4 when no connection reaches the organization, naming it', async () => {
    const result = await cli('resolve', 'https://dev.azure.com/contoso/Website/_git/website', '--json');
    expect(result.code).toBe(4);
    expect((result.json as Json).error).toMatchObject({ code: 'AZDO_REPOSITORY_NO_CONNECTION' });
    expect((result.json as Json).error?.message).toContain('contoso');
  });

  it('exits 3 for a URL that names no repository', async () => {
    const result = await cli('resolve', 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber', '--json');
    expect(result.code).toBe(3);
    expect((result.json as Json).error?.code).toBe('AZDO_URL_NOT_REPOSITORY');
  });

  it('prints the error code and hint on stderr without --json', async () => {
    const result = await cli('resolve', `${WEB}?version=GBgone`);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Error AZDO_BRANCH_NOT_FOUND');
    expect(result.stderr).toContain('hint:');
  });
});

describe('repo branches, tree and file', () => {
  it('lists branches and a tree', async () => {
    const branches = await cli('repo', 'branches', WEB, '--json');
    expect((branches.json as { branches: Array<{ name: string }> }).branches[0]?.name).toBe('main');
    const tree = await cli('repo', 'tree', WEB, '--ref', 'feature/login', '--path', '/src', '--json');
    expect((tree.json as { entries: Array<{ path: string }> }).entries.map((e) => e.path)).toContain('/src/login.html');
  });

  it('prints a file byte for byte', async () => {
    const result = await cli('repo', 'file', WEB, '--path', '/package.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{\n  "name": "fabrikam-web",\n  "version": "1.0.0"\n}\n');
  });
});
