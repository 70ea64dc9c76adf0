import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { basic, run, tempDir } from '../helpers.js';

// Seed files as users write them, applied by startSimulator, then checked through the state and over REST.

const YAML_SEED = `
# A seed in YAML; fromDirectory is relative to this file.
organizations:
  - name: fabrikam
    policies: { allowSsh: false }
    projects:
      - name: Fiber Web
        description: The web site
        repositories:
          - name: imported
            fromDirectory: ./source-repo
          - name: site
            defaultBranch: trunk
            commits:
              - message: Initial commit
                files:
                  /README.md: "# Site\\n"
                  /docs/guide.md: guide
              - message: Remove the guide
                author: { name: Carol, email: carol@example.com }
                date: 2024-05-01T12:00:00Z
                files:
                  /docs: null
                  /README.md: "# Site, edited\\n"
            branches:
              - name: feature/a
                commits: [{ message: Add a, files: { /a.txt: a } }]
              - name: feature/b
                from: feature/a
                commits: [{ message: Add b, files: { /b.txt: b } }]
            pullRequests:
              - { source: feature/a, title: Add a, status: completed }
              - { source: feature/b, title: Add b, description: Stacked on a, isDraft: true }
collections:
  - name: DefaultCollection
    serverVersion: "2020"
    publicUrl: http://localhost/tfs/DefaultCollection
    projects: [{ name: Legacy }]
users:
  - name: alice@example.com
    displayName: Alice
    memberOf: [fabrikam, DefaultCollection]
    sshKey: false
    pats:
      - { name: code, scope: vso.code, organizations: [fabrikam] }
      - { name: later, validTo: "2031-01-01T00:00:00Z" }
  - name: bob@example.com
    readerOf: [{ organization: fabrikam, project: Fiber Web }]
servicePrincipals:
  - displayName: ci-bot
    memberOf: [fabrikam]
`;

describe('applying a YAML seed file', () => {
  let sim: RunningSimulator;
  let tmp: { dir: string; cleanup(): Promise<void> };

  beforeAll(async () => {
    tmp = await tempDir();
    const source = path.join(tmp.dir, 'source-repo');
    for (const args of [['init', '-q', '-b', 'main', source], ['-C', source, 'commit', '-q', '--allow-empty', '-m', 'imported commit']]) {
      const r = await run('git', args, { env: { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' } });
      expect(r.code, r.stderr).toBe(0);
    }
    await writeFile(path.join(tmp.dir, 'seed.yaml'), YAML_SEED);
    sim = await startSimulator({ seed: path.join(tmp.dir, 'seed.yaml') });
  });

  afterAll(async () => {
    await sim?.stop();
    await tmp?.cleanup();
  });

  const project = () => sim.context.store.state.hosts[0]!.projects[0]!;
  const repo = (name: string) => project().repositories.find((r) => r.name === name)!;

  it('creates the hosts with their settings', () => {
    const [fabrikam, collection] = sim.context.store.state.hosts;
    expect(sim.organizations).toEqual(['fabrikam']);
    expect(sim.collections).toEqual(['DefaultCollection']);
    expect(fabrikam!.policies.allowSsh).toBe(false);
    expect(collection).toMatchObject({ kind: 'server', serverVersion: '2020', publicUrl: 'http://localhost/tfs/DefaultCollection' });
    expect(project()).toMatchObject({ name: 'Fiber Web', description: 'The web site' });
  });

  it('imports a directory named relative to the seed file', async () => {
    const log = await sim.context.repos.git(repo('imported')).log({});
    expect(log.commits.map((c) => c.comment.trim())).toEqual(['imported commit']);
  });

  it('writes commits with edits, folder deletes, authors and dates, on the named default branch', async () => {
    const git = sim.context.repos.git(repo('site'));
    expect(await git.defaultBranch()).toBe('refs/heads/trunk');
    const { commits } = await git.log({ ref: 'refs/heads/trunk' });
    expect(commits.map((c) => c.comment.trim())).toEqual(['Merged PR 1: Add a', 'Add a', 'Remove the guide', 'Initial commit']);
    const [, , removal, initial] = commits;
    expect(removal!.author).toMatchObject({ name: 'Carol', email: 'carol@example.com', date: new Date('2024-05-01T12:00:00Z') });
    expect(initial!.author).toMatchObject({ name: 'Alice', email: 'alice@example.com' });
    expect((await git.readBlob(initial!.commitId, '/docs/guide.md'))?.toString()).toBe('guide');
    expect((await git.readBlob(removal!.commitId, '/README.md'))?.toString()).toBe('# Site, edited\n');
    expect(await git.objectType(removal!.commitId, '/docs')).toBeUndefined();
  });

  it('starts branches from the branch named in from, and records the seeded history as one push', async () => {
    const git = sim.context.repos.git(repo('site'));
    const b = await git.log({ ref: 'refs/heads/feature/b' });
    expect(b.commits.map((c) => c.comment.trim())).toEqual(['Add b', 'Add a', 'Remove the guide', 'Initial commit']);
    const [seeded] = repo('site').pushes;
    expect(seeded!.refUpdates.map((u) => u.name).sort()).toEqual(['refs/heads/feature/a', 'refs/heads/feature/b', 'refs/heads/trunk']);
    expect(seeded!.commitIds).toHaveLength(4);
  });

  it('opens pull requests and completes those marked completed by merging them', () => {
    const [a, b] = repo('site').pullRequests;
    expect(a).toMatchObject({ pullRequestId: 1, status: 'completed', targetRefName: 'refs/heads/trunk', mergeStatus: 'succeeded' });
    expect(b).toMatchObject({ pullRequestId: 2, status: 'active', isDraft: true, description: 'Stacked on a', sourceRefName: 'refs/heads/feature/b' });
  });

  it('gives users membership, reader access, PATs of the given scopes and a full-access PAT', async () => {
    const [alice, bob] = sim.users;
    expect(alice!.pats.map((p) => [p.name, p.scope, p.organizations])).toEqual([
      ['full', 'app_token', ['fabrikam', 'DefaultCollection']],
      ['code', 'vso.code', ['fabrikam']],
      ['later', 'app_token', ['fabrikam', 'DefaultCollection']],
    ]);
    expect(alice!.pats[2]!.validTo).toBe('2031-01-01T00:00:00.000Z');
    expect(alice!.sshPrivateKeyPath).toBeUndefined();
    expect(bob!.displayName).toBe('bob');

    const repos = await fetch(`${sim.url}/fabrikam/Fiber%20Web/_apis/git/repositories?api-version=7.1`, { headers: { authorization: basic(bob!.pat!) } });
    expect(repos.status).toBe(200);
    expect(((await repos.json()) as { value: Array<{ name: string }> }).value.map((r) => r.name).sort()).toEqual(['imported', 'site']);
    const server = await fetch(`${sim.url}/tfs/DefaultCollection/_apis/projects?api-version=6.0`, { headers: { authorization: basic(alice!.pats[1]!.token) } });
    expect(server.status).toBe(203);
    const full = await fetch(`${sim.url}/tfs/DefaultCollection/_apis/projects?api-version=6.0`, { headers: { authorization: basic(alice!.pat!) } });
    expect(full.status).toBe(200);
  });

  it('returns the service principals with their secrets', () => {
    const [bot] = sim.servicePrincipals;
    expect(bot).toMatchObject({ displayName: 'ci-bot', tenantId: sim.context.store.state.hosts[0]!.tenantId });
    expect(bot!.clientSecret.length).toBeGreaterThan(20);
  });
});

describe('applying a JSON seed file and restarting', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => tmp?.cleanup());

  it('seeds from JSON, and a restart on the same data keeps the state and prints the same users and PATs', async () => {
    const file = path.join(tmp.dir, 'seed.json');
    const seed = {
      organizations: [{ name: 'contoso', projects: [{ name: 'Apps', repositories: [{ name: 'api', generate: { commits: 50, files: 5 } }] }] }],
      users: [{ name: 'dana@example.com', displayName: 'Dana', memberOf: ['contoso'], pats: [{ name: 'old', expired: true }] }],
    };
    await writeFile(file, JSON.stringify(seed, null, 2));
    const dataDir = path.join(tmp.dir, 'data');
    const first = await startSimulator({ dataDir, seed: file });
    const [dana] = first.users;
    expect(dana).toMatchObject({ name: 'dana@example.com', displayName: 'Dana' });
    expect(Date.parse(dana!.pats[1]!.validTo)).toBeLessThan(Date.now());
    expect((await stat(dana!.sshPrivateKeyPath!)).mode & 0o777).toBe(0o600);
    const commits = async (sim: RunningSimulator) => {
      const r = await fetch(`${sim.url}/contoso/Apps/_apis/git/repositories/api/commits?searchCriteria.$top=100&api-version=7.1`, {
        headers: { authorization: basic(dana!.pat!) },
      });
      expect(r.status).toBe(200);
      return ((await r.json()) as { count: number }).count;
    };
    expect(await commits(first)).toBe(50);
    const digest = first.control.digest();
    await first.stop();

    // A seed given on restart is ignored: the directory already holds a world.
    const second = await startSimulator({ dataDir, seed: 'demo' });
    try {
      expect(second.users).toEqual(first.users);
      expect(second.servicePrincipals).toEqual(first.servicePrincipals);
      expect(second.organizations).toEqual(['contoso']);
      expect(second.control.digest()).toBe(digest);
      expect(await commits(second)).toBe(50);
    } finally {
      await second.stop();
    }
  });
});
