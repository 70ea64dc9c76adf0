import { WebApi, getPersonalAccessTokenHandler } from 'azure-devops-node-api';
import { PullRequestStatus } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import type { Repository } from '../../../simulator/state/model.js';
import { basic } from '../helpers.js';

// Pull requests (FACTS §2.7): create, list and filter, get by repository, project or organization, their commits,
// and completion as a real merge or squash recorded as a push; conflicts, abandon, reactivate, drafts, errors.
describe('simulator pull requests REST API', () => {
  let sim: RunningSimulator;
  let token: string;
  let readOnly: string;
  let readerToken: string;
  let aliceId: string;
  let bobId: string;
  let web: Repository;
  let api: Repository;
  const REPO = 'Fiber%20Web/_apis/git/repositories/web';

  // Response bodies are whatever the simulator sent; expect() checks their shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = Record<string, any>;
  const call = async (path: string, o: { method?: string; body?: unknown; token?: string } = {}): Promise<{ status: number; body: Json; headers: Headers }> => {
    const r = await fetch(`${sim.url}/fabrikam/${path}`, {
      method: o.method ?? 'GET',
      headers: {
        authorization: basic(o.token ?? token),
        'x-tfs-fedauthredirect': 'Suppress',
        ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    });
    const text = await r.text();
    return { status: r.status, body: text ? (JSON.parse(text) as Json) : {}, headers: r.headers };
  };
  const tip = async (branch: string, repo: Repository = web) => (await sim.context.repos.git(repo).resolve(`refs/heads/${branch}`))!;
  const file = (path: string, content: string, changeType = 'add') => ({ changeType, item: { path }, newContent: { content, contentType: 'rawtext' } });
  /** A branch started from `from` (or moved on) with one commit, through the REST push API. */
  const commitTo = async (branch: string, from: string, changes: unknown[], repo = REPO) => {
    const r = await call(`${repo}/pushes`, { method: 'POST', body: { refUpdates: [{ name: `refs/heads/${branch}`, oldObjectId: from }], commits: [{ comment: `work on ${branch}`, changes }] } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body['commits'][0].commitId as string;
  };
  const open = (body: Json, repo = REPO, o: { token?: string } = {}) => call(`${repo}/pullrequests?api-version=7.1`, { method: 'POST', body, ...o });
  const patch = (id: number, body: Json, o: { token?: string } = {}) => call(`${REPO}/pullrequests/${id}?api-version=7.1`, { method: 'PATCH', body, ...o });

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty', pageSize: 2 });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', displayName: 'Alice Smith', hosts: ['fabrikam'] });
    const bob = await c.createUser({ uniqueName: 'bob@example.com', displayName: 'Bob Jones', hosts: ['fabrikam'] });
    const reader = await c.createUser({ uniqueName: 'rita@example.com' });
    aliceId = alice.id;
    bobId = bob.id;
    token = (await c.createPat({ user: alice.id })).token;
    readOnly = (await c.createPat({ user: alice.id, scope: 'vso.code' })).token;
    await c.createProject('fabrikam', { name: 'Fiber Web' });
    await c.createProject('fabrikam', { name: 'Other' });
    await c.addMember('fabrikam', reader.id, { project: 'Fiber Web' });
    readerToken = (await c.createPat({ user: reader.id })).token;
    web = await c.createRepository('fabrikam', 'Fiber Web', { name: 'web' });
    api = await c.createRepository('fabrikam', 'Other', { name: 'api' });
    for (const repository of ['web']) {
      await c.pushCommits({
        host: 'fabrikam', project: 'Fiber Web', repository, branch: 'main',
        commits: [{ message: 'Initial commit', changes: [{ changeType: 'add', path: '/README.md', content: Buffer.from('hello\n') }] }],
      });
    }
    await c.pushCommits({
      host: 'fabrikam', project: 'Other', repository: 'api', branch: 'main',
      commits: [{ message: 'Initial commit', changes: [{ changeType: 'add', path: '/api.md', content: Buffer.from('api\n') }] }],
    });
  });

  afterAll(async () => sim?.stop());

  it('opens a pull request with 201, a trial merge and the shape of the spec example', async () => {
    const main = await tip('main');
    const feature = await commitTo('feature', main, [file('/feature.md', 'new feature')]);
    const r = await open({ sourceRefName: 'refs/heads/feature', targetRefName: 'refs/heads/main', title: 'A new feature', description: 'Adding a new feature', reviewers: [{ id: bobId }] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body['pullRequestId'] as number;
    expect(r.body).toMatchObject({
      repository: { id: web.id, name: 'web', project: { name: 'Fiber Web' } },
      pullRequestId: id,
      codeReviewId: id,
      status: 'active',
      createdBy: { id: aliceId, displayName: 'Alice Smith' },
      title: 'A new feature',
      description: 'Adding a new feature',
      sourceRefName: 'refs/heads/feature',
      targetRefName: 'refs/heads/main',
      mergeStatus: 'succeeded',
      isDraft: false,
      mergeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      lastMergeSourceCommit: { commitId: feature, url: expect.stringContaining(`/commits/${feature}`) },
      lastMergeTargetCommit: { commitId: main },
      lastMergeCommit: { commitId: expect.stringMatching(/^[0-9a-f]{40}$/), comment: `Merge pull request ${id} from feature into main` },
      reviewers: [{ id: bobId, vote: 0, displayName: 'Bob Jones', reviewerUrl: expect.stringContaining(`/pullRequests/${id}/reviewers/${bobId}`) }],
      url: `${sim.url}/fabrikam/_apis/git/repositories/${web.id}/pullRequests/${id}`,
      supportsIterations: true,
      _links: { self: { href: expect.stringContaining(`/pullRequests/${id}`) } },
    });
    expect(r.body['closedDate']).toBeUndefined();
    // The trial merge moves no branch.
    expect(await tip('main')).toBe(main);
  });

  it('refuses a second active pull request for the same branches with 409 TF401179', async () => {
    const r = await open({ sourceRefName: 'refs/heads/feature', targetRefName: 'refs/heads/main', title: 'Again' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ message: 'TF401179: An active pull request for the source and target branch already exists.' });
  });

  it('refuses missing branches, identical branches, an empty title and unknown reviewers with 400', async () => {
    const missing = await open({ sourceRefName: 'refs/heads/nope', targetRefName: 'refs/heads/main', title: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body['message']).toMatch(/^TF401398/);
    expect((await open({ sourceRefName: 'main', targetRefName: 'refs/heads/feature', title: 'x' })).status).toBe(400);
    expect((await open({ sourceRefName: 'refs/heads/main', targetRefName: 'refs/heads/main', title: 'x' })).status).toBe(400);
    expect((await open({ sourceRefName: 'refs/heads/main', targetRefName: 'refs/heads/feature', title: '' })).status).toBe(400);
    expect((await open({ sourceRefName: 'refs/heads/main', targetRefName: 'refs/heads/feature', title: 'x', reviewers: [{ id: 'someone' }] })).status).toBe(400);
    expect((await open({ sourceRefName: 'refs/heads/main', targetRefName: 'refs/heads/feature', title: 'x' }, 'Fiber%20Web/_apis/git/repositories/nope')).status).toBe(404);
  });

  it('numbers pull requests per organization, across projects and repositories', async () => {
    const before = sim.context.store.state.nextPullRequestId[sim.control.host('fabrikam').id]!;
    await commitTo('topic', await tip('main', api), [file('/topic.md', 't')], 'Other/_apis/git/repositories/api');
    const r = await open({ sourceRefName: 'refs/heads/topic', targetRefName: 'refs/heads/main', title: 'In another project' }, 'Other/_apis/git/repositories/api');
    expect(r.status).toBe(201);
    expect(r.body['pullRequestId']).toBe(before);
    const byRepo = await call(`${REPO}/pullrequests/${before}`);
    expect(byRepo.status).toBe(404);
    expect(byRepo.body['message']).toMatch(/^TF401180/);
  });

  it('recomputes commits and the trial merge after the source branch moves', async () => {
    const list = await call(`${REPO}/pullrequests?searchCriteria.sourceRefName=refs/heads/feature`);
    const id = list.body['value'][0].pullRequestId as number;
    const second = await commitTo('feature', await tip('feature'), [file('/feature2.md', 'more')]);
    const r = await call(`${REPO}/pullrequests/${id}`);
    expect(r.body['lastMergeSourceCommit'].commitId).toBe(second);
    const commits = await call(`${REPO}/pullRequests/${id}/commits?$top=1`);
    expect(commits.status).toBe(200);
    expect(commits.body['value']).toEqual([expect.objectContaining({ commitId: second, comment: 'work on feature' })]);
    const next = commits.headers.get('x-ms-continuationtoken');
    expect(next).toBeTruthy();
    const rest = await call(`${REPO}/pullRequests/${id}/commits?$top=1&continuationToken=${next}`);
    expect(rest.body['value']).toHaveLength(1);
    expect(rest.headers.get('x-ms-continuationtoken')).toBeNull();
  });

  it('completes with a real merge commit, recorded as a push, after checking lastMergeSourceCommit', async () => {
    const found = await call(`${REPO}/pullrequests?searchCriteria.sourceRefName=refs/heads/feature`);
    const pr = found.body['value'][0] as Json;
    const id = pr['pullRequestId'] as number;
    const main = await tip('main');
    const source = await tip('feature');

    expect((await patch(id, { status: 'completed' })).status).toBe(400);
    const stale = await patch(id, { status: 'completed', lastMergeSourceCommit: { commitId: main } });
    expect(stale.status).toBe(409);
    expect(await tip('main')).toBe(main);

    const done = await patch(id, { status: 'completed', lastMergeSourceCommit: { commitId: source }, completionOptions: { deleteSourceBranch: true } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const merged = await tip('main');
    expect(done.body).toMatchObject({
      status: 'completed',
      mergeStatus: 'succeeded',
      closedBy: { id: aliceId },
      closedDate: expect.any(String),
      lastMergeCommit: { commitId: merged, comment: `Merged PR ${id}: A new feature` },
      lastMergeSourceCommit: { commitId: source },
      lastMergeTargetCommit: { commitId: main },
    });
    const commit = await sim.context.repos.git(web).getCommit(merged);
    expect(commit?.parents).toEqual([main, source]);
    expect(await sim.context.repos.git(web).resolve('refs/heads/feature')).toBeUndefined();

    const pushes = await call(`${REPO}/pushes?$top=2&searchCriteria.includeRefUpdates=true`);
    expect(pushes.body['value'][1]).toMatchObject({ pushedBy: { id: aliceId }, refUpdates: [{ name: 'refs/heads/main', oldObjectId: main, newObjectId: merged }] });
    expect(pushes.body['value'][0]).toMatchObject({ refUpdates: [{ name: 'refs/heads/feature', oldObjectId: source, newObjectId: '0'.repeat(40) }] });

    const again = await patch(id, { status: 'active' });
    expect(again.status).toBe(400);
    expect(again.body['message']).toMatch(/^TF401181/);
  });

  it('squashes when asked, into one commit with the target as its only parent', async () => {
    const main = await tip('main');
    const source = await commitTo('squashme', main, [file('/s1.md', 'one')]);
    const second = await commitTo('squashme', source, [file('/s2.md', 'two')]);
    const created = await open({ sourceRefName: 'refs/heads/squashme', targetRefName: 'refs/heads/main', title: 'Squash me' });
    const id = created.body['pullRequestId'] as number;
    const r = await patch(id, { status: 3, lastMergeSourceCommit: { commitId: second }, completionOptions: { mergeStrategy: 'squash', mergeCommitMessage: 'Squashed!' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const squashed = await sim.context.repos.git(web).getCommit(await tip('main'));
    expect(squashed?.parents).toEqual([main]);
    expect(squashed?.comment.trim()).toBe('Squashed!');
    expect((await sim.context.repos.git(web).readBlob(squashed!.commitId, '/s2.md'))?.toString()).toBe('two');
  });

  it('reports conflicts and keeps the pull request active when completing cannot merge', async () => {
    const main = await tip('main');
    const theirs = await commitTo('conflicting', main, [file('/README.md', 'theirs\n', 'edit')]);
    await commitTo('main', main, [file('/README.md', 'ours\n', 'edit')]);
    const created = await open({ sourceRefName: 'refs/heads/conflicting', targetRefName: 'refs/heads/main', title: 'Conflicts' });
    expect(created.body).toMatchObject({ mergeStatus: 'conflicts' });
    expect(created.body['lastMergeCommit']).toBeUndefined();
    const target = await tip('main');
    const r = await patch(created.body['pullRequestId'], { status: 'completed', lastMergeSourceCommit: { commitId: theirs } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'active', mergeStatus: 'conflicts' });
    expect(await tip('main')).toBe(target);
  });

  it('reports mergeStatus failure for branches git cannot merge (unrelated histories)', async () => {
    const ZERO = '0'.repeat(40);
    await commitTo('orphan', ZERO, [file('/orphan.md', 'alone')]);
    const created = await open({ sourceRefName: 'refs/heads/orphan', targetRefName: 'refs/heads/main', title: 'Unrelated' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'active', mergeStatus: 'failure' });
    expect((await patch(created.body['pullRequestId'], { status: 'abandoned' })).status).toBe(200);
  });

  it('abandons, refuses edits while abandoned, and reactivates', async () => {
    const created = await open({ sourceRefName: 'refs/heads/conflicting', targetRefName: 'refs/heads/squashme', title: 'To abandon' });
    expect(created.status).toBe(201);
    const id = created.body['pullRequestId'] as number;
    const abandoned = await patch(id, { status: 'abandoned' });
    expect(abandoned.body).toMatchObject({ status: 'abandoned', closedDate: expect.any(String), closedBy: { id: aliceId } });
    expect((await patch(id, { title: 'New title' })).status).toBe(400);
    const back = await patch(id, { status: 'active', title: 'Back again' });
    expect(back.body).toMatchObject({ status: 'active', title: 'Back again' });
    expect(back.body['closedDate']).toBeUndefined();
    expect((await patch(id, { description: 'Described' })).body).toMatchObject({ description: 'Described' });
  });

  it('keeps drafts from completing until published', async () => {
    const main = await tip('main');
    const source = await commitTo('draft', main, [file('/draft.md', 'd')]);
    const created = await open({ sourceRefName: 'refs/heads/draft', targetRefName: 'refs/heads/main', title: 'Draft', isDraft: true });
    const id = created.body['pullRequestId'] as number;
    expect(created.body['isDraft']).toBe(true);
    expect((await patch(id, { status: 'completed', lastMergeSourceCommit: { commitId: source } })).status).toBe(400);
    expect((await patch(id, { isDraft: false })).body['isDraft']).toBe(false);
  });

  it('lists by status and criteria, pages with $top/$skip, and serves project and organization listings', async () => {
    const active = await call(`${REPO}/pullrequests?$top=100`);
    expect(active.body['value'].every((p: Json) => p.status === 'active')).toBe(true);
    const all = await call(`${REPO}/pullrequests?searchCriteria.status=all&$top=100`);
    const ids = all.body['value'].map((p: Json) => p.pullRequestId);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    expect(all.body['value'].some((p: Json) => p.status === 'completed')).toBe(true);
    expect(all.body['value'][0]['_links']).toBeUndefined();
    const completed = await call(`${REPO}/pullrequests?searchCriteria.status=completed&searchCriteria.includeLinks=true`);
    expect(completed.body['value'].map((p: Json) => p.status)).toEqual(['completed', 'completed']);
    expect(completed.body['value'][0]['_links']).toBeDefined();
    // Without $top a page holds the simulator's page size (2 here), with no continuation token.
    expect((await call(`${REPO}/pullrequests?searchCriteria.status=all`)).body['count']).toBe(2);
    const skipped = await call(`${REPO}/pullrequests?searchCriteria.status=all&$top=2&$skip=1`);
    expect(skipped.body['value'].map((p: Json) => p.pullRequestId)).toEqual(ids.slice(1, 3));
    expect((await call(`${REPO}/pullrequests?searchCriteria.creatorId=${bobId}&searchCriteria.status=all`)).body['count']).toBe(0);
    expect((await call(`${REPO}/pullrequests?searchCriteria.reviewerId=${bobId}&searchCriteria.status=all`)).body['count']).toBe(1);
    expect((await call(`${REPO}/pullrequests?searchCriteria.targetRefName=refs/heads/squashme`)).body['count']).toBe(1);
    expect((await call(`${REPO}/pullrequests?searchCriteria.status=merged`)).status).toBe(400);

    const project = await call('Fiber%20Web/_apis/git/pullrequests?searchCriteria.status=all&$top=100');
    expect(project.body['count']).toBe(ids.length);
    const org = await call('_apis/git/pullrequests?searchCriteria.status=all&$top=100');
    expect(org.body['count']).toBe(ids.length + 1);
    const byRepo = await call(`_apis/git/pullrequests?searchCriteria.status=all&$top=100&searchCriteria.repositoryId=${api.id}`);
    expect(byRepo.body['value'].map((p: Json) => p.repository.id)).toEqual([api.id]);

    const one = await call(`Fiber%20Web/_apis/git/pullrequests/${ids[0]}`);
    expect(one.body).toMatchObject({ pullRequestId: ids[0], repository: { id: web.id } });
    expect((await call(`_apis/git/pullrequests/${ids[0]}`)).status).toBe(200);
    expect((await call('_apis/git/pullrequests/99999')).status).toBe(404);
    expect((await call(`Other/_apis/git/pullrequests/${ids[0]}`)).status).toBe(404);
  });

  it('needs vso.code_write and contributor rights to open or update pull requests', async () => {
    const body = { sourceRefName: 'refs/heads/draft', targetRefName: 'refs/heads/squashme', title: 'Nope' };
    expect((await open(body, REPO, { token: readOnly })).status).toBe(401);
    expect((await call(`${REPO}/pullrequests`, { token: readOnly })).status).toBe(200);
    const denied = await open(body, REPO, { token: readerToken });
    expect(denied.status).toBe(403);
    expect(denied.body['message']).toContain("TF401027: You need the Git 'PullRequestContribute' permission");
    expect((await call(`${REPO}/pullrequests`, { token: readerToken })).status).toBe(200);
  });

  it('works with the official azure-devops-node-api client: create, list, get, commits and complete', async () => {
    const git = await new WebApi(`${sim.url}/fabrikam`, getPersonalAccessTokenHandler(token)).getGitApi();
    const main = await tip('main');
    const pushed = await git.createPush(
      { refUpdates: [{ name: 'refs/heads/client', oldObjectId: main }], commits: [{ comment: 'from the client', changes: [{ changeType: 1, item: { path: '/client.md' }, newContent: { content: 'c', contentType: 0 } }] }] },
      'web',
      'Fiber Web',
    );
    expect(pushed.pushId).toBeGreaterThan(0);
    const source = pushed.commits![0]!.commitId!;

    const created = await git.createPullRequest({ sourceRefName: 'refs/heads/client', targetRefName: 'refs/heads/main', title: 'From the client' }, 'web', 'Fiber Web');
    expect(created.pullRequestId).toBeGreaterThan(0);
    expect(created.status).toBe(PullRequestStatus.Active);
    expect(created.creationDate).toBeInstanceOf(Date);

    const listed = await git.getPullRequests('web', { status: PullRequestStatus.Active, sourceRefName: 'refs/heads/client' }, 'Fiber Web');
    expect(listed.map((p) => p.pullRequestId)).toEqual([created.pullRequestId]);
    const byId = await git.getPullRequestById(created.pullRequestId!, 'Fiber Web');
    expect(byId.title).toBe('From the client');
    const commits = await git.getPullRequestCommits('web', created.pullRequestId!, 'Fiber Web');
    expect(commits.map((c) => c.commitId)).toEqual([source]);

    const completed = await git.updatePullRequest(
      { status: PullRequestStatus.Completed, lastMergeSourceCommit: { commitId: source } },
      'web',
      created.pullRequestId!,
      'Fiber Web',
    );
    expect(completed.status).toBe(PullRequestStatus.Completed);
    expect(completed.closedDate).toBeInstanceOf(Date);
    expect((await sim.context.repos.git(web).getCommit(await tip('main')))?.parents).toEqual([main, source]);

    const pushes = await git.getPushes('web', 'Fiber Web', undefined, 1);
    expect(pushes[0]!.pushedBy!.id).toBe(aliceId);
  });
});
