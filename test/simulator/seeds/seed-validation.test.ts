import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../simulator/index.js';
import { loadSeed, SeedError, type SeedDocument } from '../../../simulator/seeds/apply-seed.js';
import { tempDir } from '../helpers.js';

// A seed with mistakes is refused before anything is created, and every mistake is named at once with the path of
// its field, so one run of the simulator shows the author all there is to fix.

/** The problems startSimulator reports; in a data directory of the test's own, since a failed start leaves it behind. */
async function problemsOf(seed: SeedDocument, dataDir?: string): Promise<string[]> {
  const tmp = dataDir ? undefined : await tempDir();
  try {
    const sim = await startSimulator({ seed, dataDir: dataDir ?? path.join(tmp!.dir, 'data') });
    await sim.stop();
  } catch (error) {
    expect(error).toBeInstanceOf(SeedError);
    return (error as SeedError).problems;
  } finally {
    await tmp?.cleanup();
  }
  throw new Error('the seed was accepted');
}

describe('seed validation', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });

  it('reports every structural mistake at once, each with its field path', async () => {
    const problems = await problemsOf({
      organizations: [
        {
          name: 'fabrikam',
          projects: [
            {
              name: 'Web',
              repositories: [
                {
                  name: 'site',
                  disabled: 'yes',
                  commits: [{ message: 'one', files: { '/a.txt': 'a' } }],
                  branches: [{ name: 'feature/x' }],
                  pullRequests: [{ source: 'feature/x', title: 'X', status: 'merged' }],
                },
              ],
            },
            { name: 42 },
          ],
        },
      ],
      users: [{ name: 'alice@example.com', pats: [{ name: 'ci', scope: 'everything' }] }],
      servicePrincipals: [{ memberOf: ['fabrikam'] }],
    } as unknown as SeedDocument);
    expect(problems).toEqual(
      expect.arrayContaining([
        'organizations[0].projects[1].name: must be a string',
        'organizations[0].projects[0].repositories[0].disabled: must be true or false',
        "organizations[0].projects[0].repositories[0].pullRequests[0].status: must be one of 'active', 'completed', 'abandoned'",
        "users[0].pats[0].scope: must be 'app_token' (full access) or space-separated scopes such as 'vso.code vso.build'",
        'servicePrincipals[0].displayName: is required',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('rejects unknown fields and suggests the field that was probably meant', async () => {
    const problems = await problemsOf({
      organizations: [{ name: 'fabrikam', projets: [] }],
      users: [{ name: 'alice@example.com', memberof: ['fabrikam'] }],
      extra: true,
    } as unknown as SeedDocument);
    expect(problems).toEqual(
      expect.arrayContaining([
        "organizations[0].projets: is not a known field (did you mean 'projects'?)",
        "users[0].memberof: is not a known field (did you mean 'memberOf'?)",
        'extra: is not a known field (known fields: $schema, organizations, collections, users, servicePrincipals)',
      ]),
    );
  });

  it('names an organization or collection that a user, PAT or service principal refers to but the seed lacks', async () => {
    const problems = await problemsOf({
      organizations: [{ name: 'fabrikam', projects: [{ name: 'Web' }] }],
      collections: [{ name: 'DefaultCollection' }],
      users: [
        {
          name: 'alice@example.com',
          memberOf: ['fabrikam', 'fabrkam'],
          readerOf: [{ organization: 'fabrikam', project: 'Mobile' }],
          pats: [{ name: 'ci', organizations: ['contoso'] }, { name: 'full' }],
        },
      ],
      servicePrincipals: [{ displayName: 'bot', memberOf: ['DefaultCollection'] }],
    });
    expect(problems).toEqual([
      "users[0].memberOf[1]: no organization or collection named 'fabrkam' in this seed",
      "users[0].readerOf[0].project: no project named 'Mobile' in 'fabrikam'",
      "users[0].pats[0].organizations[0]: no organization or collection named 'contoso' in this seed",
      "users[0].pats[1].name: 'full' is reserved: every seeded user gets a full-access PAT by that name",
      "servicePrincipals[0].memberOf[0]: 'DefaultCollection' is an Azure DevOps Server collection, which has no Entra ID service principals",
    ]);
  });

  it('checks what repositories refer to: branches, users, submodules and duplicate names', async () => {
    const problems = await problemsOf({
      organizations: [
        {
          name: 'fabrikam',
          projects: [
            {
              name: 'Web',
              repositories: [
                {
                  name: 'site',
                  commits: [{ message: 'one', files: { '/a.txt': 'a' }, date: 'yesterday' }],
                  branches: [{ name: 'feature/x', from: 'develop' }],
                  submodules: [{ path: 'lib', repository: 'missing' }],
                  pullRequests: [{ source: 'feature/y', title: 'Y', createdBy: 'carol@example.com' }],
                },
                { name: 'SITE' },
                { name: 'a', submodules: [{ path: 'b', repository: 'b' }] },
                { name: 'b', submodules: [{ path: 'a', repository: 'a' }] },
              ],
            },
          ],
        },
      ],
      users: [{ name: 'alice@example.com', memberOf: ['fabrikam'] }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        "organizations[0].projects[0].repositories[1].name: repository 'SITE' appears twice in 'Web'",
        'organizations[0].projects[0].repositories[0].commits[0].date: must be an ISO 8601 date such as 2024-05-01T12:00:00Z',
        "organizations[0].projects[0].repositories[0].branches[0].from: branch 'develop' has no commits seeded before this branch to start from",
        "organizations[0].projects[0].repositories[0].submodules[0].repository: no repository named 'missing' in that project",
        "organizations[0].projects[0].repositories[0].pullRequests[0].source: no branch 'feature/y' is seeded in this repository",
        "organizations[0].projects[0].repositories[0].pullRequests[0].createdBy: no user named 'carol@example.com' in this seed",
        'organizations[0].projects[0].repositories[2]: submodules form a cycle (a -> b -> a)',
      ]),
    );
  });

  it('refuses commits when the seed has no user to push them', async () => {
    const problems = await problemsOf({ organizations: [{ name: 'fabrikam', projects: [{ name: 'Web', repositories: [{ name: 'site', commits: [{ message: 'one' }] }] }] }] });
    expect(problems).toEqual(['organizations[0].projects[0].repositories[0]: has commits or pull requests, which need at least one user under users to push and create them']);
  });

  it('creates nothing from a seed with a mistake, so the same data directory can be seeded once fixed', async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'data');
    const bad = { organizations: [{ name: 'fabrikam', projects: [{ name: 'Web', repositories: [{ name: 'site', fromDirectory: path.join(tmp.dir, 'nowhere') }] }] }] };
    expect(await problemsOf(bad, dataDir)).toEqual([`organizations[0].projects[0].repositories[0].fromDirectory: '${path.join(tmp.dir, 'nowhere')}' does not exist`]);
    const state = JSON.parse(await readFile(path.join(dataDir, 'state.json'), 'utf8')) as { hosts: unknown[] };
    expect(state.hosts).toEqual([]);

    const sim = await startSimulator({ dataDir, seed: { organizations: [{ name: 'fabrikam' }] } });
    expect(sim.organizations).toEqual(['fabrikam']);
    await sim.stop();
  });

  it('writes nothing more into the data directory once a failed start has rejected, so it can be removed at once', async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'data');
    // Validation fails within milliseconds, long before the SSH host key is generated: the start must still wait
    // for that key generation rather than let it write into a directory its caller is removing.
    expect(await problemsOf({ extra: true } as unknown as SeedDocument, dataDir)).toHaveLength(1);
    const entries = (await readdir(dataDir)).sort();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await readdir(dataDir)).sort()).toEqual(entries);
  });

  it('puts the data directory back as it was when a seed fails half way, as a pull request that conflicts', async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'data');
    const conflicting: SeedDocument = {
      organizations: [
        {
          name: 'fabrikam',
          projects: [
            {
              name: 'Web',
              repositories: [
                {
                  name: 'site',
                  commits: [{ message: 'one', files: { '/README.md': 'one' } }],
                  branches: [
                    { name: 'x', commits: [{ message: 'x', files: { '/README.md': 'x' } }] },
                    { name: 'y', commits: [{ message: 'y', files: { '/README.md': 'y' } }] },
                  ],
                  pullRequests: [
                    { source: 'x', title: 'X', status: 'completed' },
                    { source: 'y', title: 'Y', status: 'completed' },
                  ],
                },
              ],
            },
          ],
        },
      ],
      users: [{ name: 'alice@example.com', memberOf: ['fabrikam'] }],
    };
    expect(await problemsOf(conflicting, dataDir)).toEqual([
      "organizations[0].projects[0].repositories[0].pullRequests[1]: 'y' conflicts with its target, so the pull request cannot be completed",
    ]);
    const state = JSON.parse(await readFile(path.join(dataDir, 'state.json'), 'utf8')) as { hosts: unknown[]; users: unknown[]; pats: unknown[] };
    expect(state).toMatchObject({ hosts: [], users: [], pats: [] });
    expect(await readdir(path.join(dataDir, 'repos'))).toEqual([]);
    expect(await readdir(path.join(dataDir, 'keys'))).toEqual([]);
  });

  it('adds the line of each mistake in a YAML file', async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.cleanup);
    const file = path.join(tmp.dir, 'seed.yaml');
    await writeFile(file, ['organizations:', '  - name: fabrikam', '    projects:', '      - name: Web', '        repositories:', '          - name: [site]', 'collections:', '  - name: DefaultCollection', '    serverVersion: 2022.1', 'users:', '  - name: alice@example.com', '    memberOf: [contoso]', ''].join('\n'));
    const error = await loadSeed(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).problems).toEqual([
      'organizations[0].projects[0].repositories[0].name: must be a string (line 6)',
      'collections[0].serverVersion: must be a release in quotes, such as "2022.1" or "2020" (line 9)',
      "users[0].memberOf[0]: no organization or collection named 'contoso' in this seed (line 12)",
    ]);
    expect((error as SeedError).message).toContain(`The seed ${file} has 3 problems:`);
  });

  it('reports YAML syntax errors with line and column, and a missing file by name', async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.cleanup);
    const file = path.join(tmp.dir, 'broken.yml');
    await writeFile(file, 'organizations:\n  - name: fabrikam\n   projects: [\n');
    const broken = await loadSeed(file).catch((e: unknown) => e as SeedError);
    expect(broken).toBeInstanceOf(SeedError);
    expect((broken as SeedError).problems[0]).toMatch(/^line \d+, column \d+: /);

    const missing = await loadSeed(path.join(tmp.dir, 'nope.yaml')).catch((e: unknown) => e as SeedError);
    expect((missing as SeedError).problems).toEqual([
      `${path.join(tmp.dir, 'nope.yaml')}: cannot be read (ENOENT); give 'demo', 'empty' or the path of a YAML or JSON seed file`,
    ]);
  });
});
