import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCATIONS } from '../../../simulator/rest/locations.js';
import { buildWorld, call, conforms, covered, ORG, PROJECT, SERVER_PROJECT, type ConformanceWorld } from './conformance-world.js';

/**
 * Every REST operation the simulator serves, called over HTTP and validated against the official 7.1 specs
 * (spec-validator.ts): types, enums, formats, and no field the spec does not declare. Git operations are called at
 * organization level and under the project, as clients use both.
 */

const V = 'api-version=7.1';
const LEVELS = [
  ['organization', ORG],
  ['project', PROJECT],
] as const;

/** Which spec operations stand for each advertised resource location; a new location needs a case here. */
const OPERATIONS_OF_LOCATION: Record<string, string[]> = {
  '603fe2ac-9723-48b9-88ad-09305aa6c6e1': ['Projects_List', 'Projects_Get'],
  '225f7195-f9c7-4d14-ab28-a83f7ff77e1f': ['Repositories_List', 'Repositories_Get Repository', 'Repositories_Get Repository With Parent', 'Repositories_Update'],
  '2d874a60-a811-4f62-9c9f-963a6ea0a55b': ['Refs_List', 'Refs_Update Refs'],
  'c2570c3b-5b3f-41b8-98bf-5407bfde8d58': ['Commits_Get Commits', 'Commits_Get', 'Commits_Get Push Commits'],
  '6400dfb2-0bcb-462b-b992-5a57f8f1416c': ['Commits_Get Commits Batch'],
  'ea98d07b-3c87-4971-8ede-a613694ffb55': ['Pushes_List', 'Pushes_Get', 'Pushes_Create'],
  '9946fd70-0d40-406e-b686-b4744cbbcc37': ['Pull Requests_Get Pull Requests', 'Pull Requests_Create', 'Pull Requests_Get Pull Request', 'Pull Requests_Update'],
  'a5d28130-9cd2-40fa-9f08-902e7daa9efb': ['Pull Requests_Get Pull Requests By Project'],
  '01a46dea-7d46-4d40-bc84-319e7c260d99': ['Pull Requests_Get Pull Request By Id'],
  '52823034-34a8-4576-922c-8d8b77e9e4c4': ['Pull Request Commits_Get Pull Request Commits'],
  'fb93c0db-47ed-4a31-8c20-47552878fb44': ['Items_Get', 'Items_List'],
  'f83735dc-483f-4238-a291-d45f6080a9af': ['Profiles_Get'],
};
// The location service itself has no OpenAPI spec; connectionData is checked field by field below.
const WITHOUT_SPEC = new Set(['e81700f7-3be2-46de-8624-2eb35882fcaa', '00d9565f-ed9c-4a06-9a50-00e7896ccab4']);

let w: ConformanceWorld;
beforeAll(async () => {
  w = await buildWorld();
});
afterAll(async () => {
  await w?.cleanup();
});

describe('core and location service', () => {
  it('lists projects as the spec shapes them', async () => {
    const body = await conforms(w, 'core', 'GET', `${ORG}/_apis/projects?${V}`);
    expect(body['count']).toBe(2);
  });

  it('gets a project by a name with a space, and by id with capabilities', async () => {
    await conforms(w, 'core', 'GET', `${ORG}/_apis/projects/Fiber%20Web?${V}`);
    await conforms(w, 'core', 'GET', `${ORG}/_apis/projects/${w.projectId}?includeCapabilities=true&${V}`);
  });

  it('answers connectionData with the fields of the official client (FACTS §2.1)', async () => {
    const { status, body } = await call(w, 'GET', `${ORG}/_apis/connectionData?connectOptions=none&${V}`);
    expect(status).toBe(200);
    const data = body as Record<string, Record<string, unknown>>;
    const known = ['authenticatedUser', 'authorizedUser', 'deploymentId', 'deploymentType', 'instanceId', 'lastUserAccess', 'locationServiceData', 'webApplicationRelativeDirectory'];
    expect(Object.keys(data).filter((k) => !known.includes(k))).toEqual([]);
    for (const user of [data['authenticatedUser'], data['authorizedUser']]) {
      expect(user).toMatchObject({
        id: w.aliceId,
        descriptor: expect.stringMatching(/^Microsoft\.IdentityModel\.Claims\.ClaimsIdentity;.+\\alice@example\.com$/),
        subjectDescriptor: expect.stringMatching(/^aad\./),
        providerDisplayName: 'Alice Liddell',
        isActive: true,
        properties: { Account: { $type: 'System.String', $value: 'alice@example.com' } },
        resourceVersion: 2,
        metaTypeId: 0,
      });
    }
    expect(data['instanceId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(data['deploymentId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(data['deploymentType']).toBe('hosted');
    expect(data['locationServiceData']).toMatchObject({
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: expect.any(Number),
      lastChangeId64: expect.any(Number),
    });
  });
});

describe('profile and accounts', () => {
  it('gets my profile with a PAT for all accessible organizations', async () => {
    const body = await conforms(w, 'profile', 'GET', `/_apis/profile/profiles/me?${V}`);
    expect(body['id']).toBe(w.aliceId);
  });

  it("lists the member's accounts", async () => {
    const body = await conforms(w, 'account', 'GET', `/_apis/accounts?memberId=${w.aliceId}&${V}`);
    expect(body['count']).toBe(1);
  });
});

describe.each(LEVELS)('git at %s level', (_level, base) => {
  const repo = `${base}/_apis/git/repositories/web`;
  const suffix = base === ORG ? 'org' : 'project';

  it('lists repositories, plain and with links and all URLs', async () => {
    await conforms(w, 'git', 'GET', `${base}/_apis/git/repositories?${V}`);
    await conforms(w, 'git', 'GET', `${base}/_apis/git/repositories?includeLinks=true&includeAllUrls=true&${V}`);
  });

  it('gets a repository by name, by id, empty, and with its parent', async () => {
    await conforms(w, 'git', 'GET', `${repo}?${V}`);
    await conforms(w, 'git', 'GET', `${base}/_apis/git/repositories/${w.webId}?${V}`);
    const empty = await conforms(w, 'git', 'GET', `${base}/_apis/git/repositories/empty?${V}`);
    expect(empty['defaultBranch']).toBeUndefined();
    await conforms(w, 'git', 'GET', `${repo}?includeParent=true&${V}`);
  });

  it('renames a repository by id, and back', async () => {
    const { body } = await call(w, 'GET', `${base}/_apis/git/repositories/empty?${V}`);
    const byId = `${base}/_apis/git/repositories/${(body as { id: string }).id}?${V}`;
    expect((await conforms(w, 'git', 'PATCH', byId, { body: { name: `empty-${suffix}` } }))['name']).toBe(`empty-${suffix}`);
    expect((await conforms(w, 'git', 'PATCH', byId, { body: { name: 'empty' } }))['name']).toBe('empty');
  });

  it('lists refs: all, of the empty repository, branches with links, tags peeled', async () => {
    await conforms(w, 'git', 'GET', `${repo}/refs?${V}`);
    await conforms(w, 'git', 'GET', `${repo}/refs?filter=heads/&includeLinks=true&${V}`);
    await conforms(w, 'git', 'GET', `${base}/_apis/git/repositories/empty/refs?${V}`);
    const tags = await conforms(w, 'git', 'GET', `${repo}/refs?filter=tags/&peelTags=true&${V}`);
    expect((tags['value'] as Array<Record<string, unknown>>)[0]).toHaveProperty('peeledObjectId');
  });

  it('updates refs: creates a branch and a tag', async () => {
    const body = await conforms(w, 'git', 'POST', `${repo}/refs?${V}`, {
      body: [
        { name: `refs/heads/release-${suffix}`, oldObjectId: '0'.repeat(40), newObjectId: w.main },
        { name: `refs/tags/v2-${suffix}`, oldObjectId: '0'.repeat(40), newObjectId: w.main },
      ],
    });
    expect((body['value'] as Array<{ success: boolean }>).map((u) => u.success)).toEqual([true, true]);
  });

  it('lists commits: default branch, a branch with links, and the commits of a push', async () => {
    await conforms(w, 'git', 'GET', `${repo}/commits?${V}`);
    await conforms(w, 'git', 'GET', `${repo}/commits?searchCriteria.itemVersion.version=feature&searchCriteria.$top=2&searchCriteria.includeLinks=true&${V}`);
    const pushes = await conforms(w, 'git', 'GET', `${repo}/pushes?${V}`);
    const pushId = (pushes['value'] as Array<{ pushId: number }>)[0]!.pushId;
    await conforms(w, 'git', 'GET', `${repo}/commits?pushId=${pushId}&${V}`);
  });

  it('gets a commit, with and without its changes', async () => {
    await conforms(w, 'git', 'GET', `${repo}/commits/${w.feature}?${V}`);
    const body = await conforms(w, 'git', 'GET', `${repo}/commits/${w.main}?changeCount=10&${V}`);
    expect(body['changes']).toBeDefined();
  });

  it('queries commits in a batch, by versions and by ids', async () => {
    const compare = { itemVersion: { versionType: 'branch', version: 'feature' }, compareVersion: { versionType: 'branch', version: 'main' } };
    await conforms(w, 'git', 'POST', `${repo}/commitsbatch?${V}`, { body: compare });
    await conforms(w, 'git', 'POST', `${repo}/commitsbatch?$top=10&${V}`, { body: { ids: [w.main, w.feature] } });
  });

  it('lists pushes, gets one with commits and ref updates, and creates one', async () => {
    const pushes = await conforms(w, 'git', 'GET', `${repo}/pushes?searchCriteria.includeRefUpdates=true&${V}`);
    const pushId = (pushes['value'] as Array<{ pushId: number }>)[0]!.pushId;
    await conforms(w, 'git', 'GET', `${repo}/pushes/${pushId}?includeCommits=true&includeRefUpdates=true&${V}`);
    const change = { changeType: 'add', item: { path: `/notes-${suffix}.md` }, newContent: { content: '# Notes\n', contentType: 'rawtext' } };
    await conforms(w, 'git', 'POST', `${repo}/pushes?${V}`, {
      status: 201,
      // As Azure DevOps: a new branch is based on the commit named as its oldObjectId.
      body: { refUpdates: [{ name: `refs/heads/notes-${suffix}`, oldObjectId: w.main }], commits: [{ comment: 'Add notes', changes: [change] }] },
    });
  });

  it('gets items as JSON: one file with content, and a folder listing', async () => {
    await conforms(w, 'git', 'GET', `${repo}/items?path=/README.md&includeContent=true&$format=json&${V}`);
    await conforms(w, 'git', 'GET', `${repo}/items?path=/docs/guide.md&versionDescriptor.version=feature&versionDescriptor.versionType=branch&$format=json&${V}`);
    await conforms(w, 'git', 'GET', `${repo}/items?scopePath=/&recursionLevel=Full&includeContentMetadata=true&$format=json&${V}`);
  });

  it('creates, lists, gets, completes a pull request and lists its commits', async () => {
    const created = await conforms(w, 'git', 'POST', `${repo}/pullrequests?${V}`, {
      status: 201,
      body: { sourceRefName: `refs/heads/notes-${suffix}`, targetRefName: 'refs/heads/main', title: `Add notes (${suffix})`, description: 'Notes', reviewers: [{ id: w.bobId }] },
    });
    const id = created['pullRequestId'] as number;
    await conforms(w, 'git', 'GET', `${repo}/pullrequests?${V}`);
    await conforms(w, 'git', 'GET', `${repo}/pullrequests?searchCriteria.status=all&searchCriteria.includeLinks=true&${V}`);
    await conforms(w, 'git', 'GET', `${repo}/pullrequests/${id}?${V}`);
    await conforms(w, 'git', 'GET', `${base}/_apis/git/pullrequests/${id}?${V}`);
    await conforms(w, 'git', 'GET', `${repo}/pullRequests/${id}/commits?${V}`);
    const source = (created['lastMergeSourceCommit'] as { commitId: string } | undefined)?.commitId;
    const completed = await conforms(w, 'git', 'PATCH', `${repo}/pullrequests/${id}?${V}`, {
      body: { status: 'completed', lastMergeSourceCommit: { commitId: source }, completionOptions: { mergeStrategy: 'squash', deleteSourceBranch: false } },
    });
    expect(completed['status']).toBe('completed');
  });

  it('lists pull requests across the project', async () => {
    await conforms(w, 'git', 'GET', `${base}/_apis/git/pullrequests?searchCriteria.status=all&${V}`);
  });
});

describe('an Azure DevOps Server collection under /tfs', () => {
  it('shapes projects, repositories, refs and commits as Services does', async () => {
    await conforms(w, 'core', 'GET', `/tfs/DefaultCollection/_apis/projects?${V}`);
    await conforms(w, 'git', 'GET', `${SERVER_PROJECT}/_apis/git/repositories?includeLinks=true&${V}`);
    await conforms(w, 'git', 'GET', `${SERVER_PROJECT}/_apis/git/repositories/app?${V}`);
    await conforms(w, 'git', 'GET', `${SERVER_PROJECT}/_apis/git/repositories/app/refs?${V}`);
    await conforms(w, 'git', 'GET', `${SERVER_PROJECT}/_apis/git/repositories/app/commits?${V}`);
    await conforms(w, 'git', 'GET', `${SERVER_PROJECT}/_apis/git/repositories/app/pushes?${V}`);
  });
});

describe('coverage', () => {
  it('validated every operation of every resource the location service advertises', () => {
    const missing = LOCATIONS.filter((l) => !WITHOUT_SPEC.has(l.id)).flatMap((l) => {
      const operations = OPERATIONS_OF_LOCATION[l.id];
      if (!operations) return [`${l.area}/${l.resourceName} (${l.id}): no conformance case`];
      return operations.filter((op) => !covered.has(op)).map((op) => `${l.area}/${l.resourceName}: ${op} was not validated`);
    });
    expect(missing).toEqual([]);
  });
});
