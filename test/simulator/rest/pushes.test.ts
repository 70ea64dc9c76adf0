import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import type { Repository } from '../../../simulator/state/model.js';
import { basic } from '../helpers.js';

// Pushes (FACTS §2.6): the recorded history of ref changes, and commits made through POST .../pushes with the
// bodies of the spec's nine examples; every rejected push leaves the repository as it was.
describe('simulator pushes REST API', () => {
  let sim: RunningSimulator;
  let token: string;
  let readOnly: string;
  let projectOnly: string;
  let readerToken: string;
  let aliceId: string;
  let bobId: string;
  let web: Repository;
  const ZERO = '0'.repeat(40);
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
  const git = () => sim.context.repos.git(web);
  const tip = async (branch = 'main') => (await git().resolve(`refs/heads/${branch}`))!;
  const push = (refName: string, oldObjectId: string, commits: unknown[], o: { token?: string; repo?: string } = {}) =>
    call(`${o.repo ?? REPO}/pushes?api-version=7.1`, { method: 'POST', body: { refUpdates: [{ name: refName, oldObjectId }], commits }, ...(o.token ? { token: o.token } : {}) });
  const add = (path: string, content: string) => ({ changeType: 'add', item: { path }, newContent: { content, contentType: 'rawtext' } });

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', displayName: 'Alice Smith', hosts: ['fabrikam'] });
    const bob = await c.createUser({ uniqueName: 'bob@example.com', displayName: 'Bob Jones', hosts: ['fabrikam'] });
    const reader = await c.createUser({ uniqueName: 'rita@example.com' });
    aliceId = alice.id;
    bobId = bob.id;
    token = (await c.createPat({ user: alice.id })).token;
    readOnly = (await c.createPat({ user: alice.id, scope: 'vso.code' })).token;
    projectOnly = (await c.createPat({ user: alice.id, scope: 'vso.project' })).token;
    await c.createProject('fabrikam', { name: 'Fiber Web' });
    await c.addMember('fabrikam', reader.id, { project: 'Fiber Web' });
    readerToken = (await c.createPat({ user: reader.id })).token;
    web = await c.createRepository('fabrikam', 'Fiber Web', { name: 'web' });
    await c.createRepository('fabrikam', 'Fiber Web', { name: 'empty' });
    await c.pushCommits({
      host: 'fabrikam', project: 'Fiber Web', repository: 'web', branch: 'main', pushedBy: bob.id,
      commits: [{ message: 'Initial commit', changes: [{ changeType: 'add', path: '/README.md', content: Buffer.from('hi\n') }] }],
    });
  });

  afterAll(async () => sim?.stop());

  it('creates a commit on a branch and answers 201 with the push, its commit and its ref update', async () => {
    const old = await tip();
    const r = await push('refs/heads/main', old, [{ comment: 'Added task markdown file.', changes: [add('/tasks.md', '# Tasks\n\n* Item 1\n* Item 2')] }]);
    expect(r.status).toBe(201);
    const commitId = await tip();
    expect(commitId).not.toBe(old);
    expect(r.body).toMatchObject({
      commits: [{ commitId, treeId: expect.stringMatching(/^[0-9a-f]{40}$/), parents: [old], comment: 'Added task markdown file.', author: { name: 'Alice Smith', email: 'alice@example.com' } }],
      refUpdates: [{ repositoryId: web.id, name: 'refs/heads/main', oldObjectId: old, newObjectId: commitId }],
      repository: { id: web.id, name: 'web' },
      pushedBy: { id: aliceId, displayName: 'Alice Smith', uniqueName: 'alice@example.com' },
      pushId: 2,
      url: `${sim.url}/fabrikam/_apis/git/repositories/${web.id}/pushes/2`,
      _links: { self: { href: `${sim.url}/fabrikam/_apis/git/repositories/${web.id}/pushes/2` } },
    });
    expect((await git().readBlob(commitId, '/tasks.md'))?.toString()).toBe('# Tasks\n\n* Item 1\n* Item 2');
  });

  it('applies the spec examples in turn: base64 add, edit, delete, rename, move, and a new branch from a commit', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    let r = await push('refs/heads/main', await tip(), [
      { comment: 'Added new image file.', changes: [{ changeType: 'add', item: { path: '/images/people/default.jpg' }, newContent: { content: png.toString('base64'), contentType: 'base64encoded' } }] },
    ]);
    expect(r.status).toBe(201);
    expect(await git().readBlob(await tip(), '/images/people/default.jpg')).toEqual(png);

    r = await push('refs/heads/main', await tip(), [{ comment: 'More items.', changes: [{ changeType: 'edit', item: { path: '/tasks.md' }, newContent: { content: '# Tasks\n\n* Item 3', contentType: 'rawtext' } }] }]);
    expect(r.status).toBe(201);
    r = await push('refs/heads/main', await tip(), [{ comment: 'Removed default image file.', changes: [{ changeType: 'delete', item: { path: '/images/people/default.jpg' } }] }]);
    expect(r.status).toBe(201);
    r = await push('refs/heads/main', await tip(), [{ comment: 'Renaming tasks.md', changes: [{ changeType: 'rename', sourceServerItem: '/tasks.md', item: { path: '/activetasks.md' } }] }]);
    expect(r.status).toBe(201);
    r = await push('refs/heads/main', await tip(), [{ comment: 'Moving', changes: [{ changeType: 'rename', sourceServerItem: '/activetasks.md', item: { path: '/tasks/content/activetasks.md' } }] }]);
    expect(r.status).toBe(201);
    const main = await tip();
    expect((await git().readBlob(main, '/tasks/content/activetasks.md'))?.toString()).toBe('# Tasks\n\n* Item 3');
    expect(await git().objectType(main, '/images')).toBeUndefined();

    // As in the spec's eighth example: a branch that does not exist yet starts from the commit given as oldObjectId.
    r = await push('refs/heads/myfirstbranch', main, [
      { comment: 'On a new branch.', changes: [{ changeType: 'edit', item: { path: '/tasks/content/activetasks.md' }, newContent: { content: 'mine', contentType: 'rawtext' } }] },
    ]);
    expect(r.status).toBe(201);
    expect(r.body['refUpdates'][0]).toMatchObject({ name: 'refs/heads/myfirstbranch', oldObjectId: ZERO });
    expect(r.body['commits'][0].parents).toEqual([main]);
    expect(await tip()).toBe(main);
  });

  it('accepts the enum numbers the official clients send for changeType and contentType', async () => {
    const r = await push('refs/heads/main', await tip(), [{ comment: 'numbers', changes: [{ changeType: 1, item: { path: '/n.txt' }, newContent: { content: 'bg==', contentType: 1 } }] }]);
    expect(r.status).toBe(201);
    expect((await git().readBlob(await tip(), '/n.txt'))?.toString()).toBe('n');
  });

  it('creates the first branch of an empty repository and makes it the default branch', async () => {
    const r = await push('refs/heads/master', ZERO, [{ comment: 'Initial commit.', changes: [add('/readme.md', 'My first file!')] }], { repo: 'Fiber%20Web/_apis/git/repositories/empty' });
    expect(r.status).toBe(201);
    expect(r.body['commits'][0].parents).toEqual([]);
    const empty = sim.control.repository('fabrikam', 'Fiber Web', 'empty').repository;
    expect(await sim.context.repos.git(empty).defaultBranch()).toBe('refs/heads/master');
  });

  it('moves, creates and deletes refs with a push that has no commits', async () => {
    const main = await tip();
    const refsOnly = (name: string, oldObjectId: string, newObjectId: string) =>
      call(`${REPO}/pushes`, { method: 'POST', body: { refUpdates: [{ name, oldObjectId, newObjectId }] } });
    const created = await refsOnly('refs/heads/copy', ZERO, main);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ commits: [], refUpdates: [{ name: 'refs/heads/copy', oldObjectId: ZERO, newObjectId: main }] });
    expect((await refsOnly('refs/heads/copy', main, main)).status).toBe(400);
    expect((await refsOnly('refs/heads/other', ZERO, 'f'.repeat(40))).status).toBe(400);
    const deleted = await refsOnly('refs/heads/copy', main, ZERO);
    expect(deleted.status).toBe(201);
    expect(await git().resolve('refs/heads/copy')).toBeUndefined();
    expect((await refsOnly('refs/heads/copy', ZERO, ZERO)).status).toBe(400);
  });

  it('refuses a stale oldObjectId with 409 TF401028 and changes nothing', async () => {
    const before = await tip();
    const pushes = web.pushes.length;
    const stale = web.pushes[0]!.refUpdates[0]!.newObjectId;
    const r = await push('refs/heads/main', stale, [{ comment: 'late', changes: [add('/late.md', 'x')] }]);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      typeKey: 'GitReferenceStaleException',
      message: "TF401028: The reference 'refs/heads/main' has already been updated by another client, so you cannot update it. Please try again.",
    });
    expect(await tip()).toBe(before);
    expect(web.pushes.length).toBe(pushes);
    // Creating a branch that exists is stale too.
    expect((await push('refs/heads/main', ZERO, [{ comment: 'again', changes: [add('/x.md', 'x')] }])).status).toBe(409);
  });

  it('validates every change before writing: bad changes answer 400 and leave the branch where it was', async () => {
    const before = await tip();
    const pushes = web.pushes.length;
    const cases: Array<[unknown[], RegExp]> = [
      [[{ comment: 'c', changes: [{ changeType: 'copy', item: { path: '/a' }, newContent: { content: 'a', contentType: 'rawtext' } }] }], /change type 'copy'/],
      [[{ comment: 'c', changes: [{ changeType: 'add', item: { path: '/no-content.md' } }] }], /newContent/],
      [[{ comment: 'c', changes: [{ changeType: 'edit', item: { path: '/missing.md' }, newContent: { content: 'a', contentType: 'rawtext' } }] }], /TF401174: The item '\/missing.md' could not be found/],
      [[{ comment: 'c', changes: [add('/README.md', 'again')] }], /The path '\/README.md' specified in the add operation already exists/],
      [[{ comment: 'c', changes: [{ changeType: 'add', item: { path: '/b.bin' }, newContent: { content: 'not base64!', contentType: 'base64encoded' } }] }], /not valid base64/],
      [[{ comment: 'c', changes: [{ changeType: 'rename', item: { path: '/b.md' } }] }], /sourceServerItem/],
      [[{ comment: 'c', changes: [add('/../escape', 'x')] }], /not a valid item path/],
      // The first commit is fine, the second is not: neither lands.
      [[{ comment: 'one', changes: [add('/one.md', '1')] }, { comment: 'two', changes: [add('/one.md', '2')] }], /already exists/],
    ];
    for (const [commits, message] of cases) {
      const r = await push('refs/heads/main', before, commits);
      expect(r.status, JSON.stringify(commits)).toBe(400);
      expect(r.body['message']).toMatch(message);
    }
    const noRefs = await call(`${REPO}/pushes`, { method: 'POST', body: { refUpdates: [], commits: [] } });
    expect(noRefs.status).toBe(400);
    const badRef = await push('heads/main', before, [{ comment: 'c', changes: [add('/z.md', 'z')] }]);
    expect(badRef.status).toBe(400);
    expect(await tip()).toBe(before);
    expect(web.pushes.length).toBe(pushes);
  });

  it('lists pushes newest first, with $top/$skip and the searchCriteria filters', async () => {
    const all = await call(`${REPO}/pushes?$top=100`);
    expect(all.status).toBe(200);
    const ids = all.body['value'].map((p: Json) => p.pushId);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    expect(all.body['count']).toBe(web.pushes.length);
    expect(all.body['value'][0]).toMatchObject({ repository: { id: web.id }, pushedBy: { id: aliceId }, url: expect.stringContaining('/pushes/') });
    expect(all.body['value'][0]['refUpdates']).toBeUndefined();

    const page = await call(`${REPO}/pushes?$top=2&$skip=1`);
    expect(page.body['value'].map((p: Json) => p.pushId)).toEqual(ids.slice(1, 3));

    const byBob = await call(`${REPO}/pushes?searchCriteria.pusherId=${bobId.toUpperCase()}`);
    expect(byBob.body['value'].map((p: Json) => p.pushId)).toEqual([1]);

    const branch = await call(`${REPO}/pushes?searchCriteria.refName=refs/heads/myfirstbranch&searchCriteria.includeRefUpdates=true&searchCriteria.includeLinks=true`);
    expect(branch.body['count']).toBe(1);
    expect(branch.body['value'][0]).toMatchObject({ refUpdates: [{ name: 'refs/heads/myfirstbranch', oldObjectId: ZERO }], _links: { self: {} } });

    const future = await call(`${REPO}/pushes?searchCriteria.fromDate=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`);
    expect(future.body['count']).toBe(0);
    const past = await call(`${REPO}/pushes?searchCriteria.toDate=2000-01-01`);
    expect(past.body['count']).toBe(0);
    expect((await call(`${REPO}/pushes?searchCriteria.fromDate=yesterday-ish`)).status).toBe(400);
    expect((await call(`${REPO}/pushes?$top=-1`)).status).toBe(400);
  });

  it('gets one push with its commits and ref updates when asked', async () => {
    const plain = await call(`${REPO}/pushes/2`);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ pushId: 2, commits: [], pushedBy: { id: aliceId }, _links: { commits: {} } });
    const full = await call(`${REPO}/pushes/2?includeCommits=10&includeRefUpdates=true`);
    expect(full.body['commits']).toHaveLength(1);
    expect(full.body['commits'][0]).toMatchObject({ comment: 'Added task markdown file.', url: expect.stringContaining('/commits/') });
    expect(full.body['refUpdates'][0]).toMatchObject({ name: 'refs/heads/main' });
    const missing = await call(`${REPO}/pushes/9999`);
    expect(missing.status).toBe(404);
    expect((await call(`${REPO}/pushes/abc`)).status).toBe(400);
  });

  it('records pushes made over git too, and serves them at the organization level by repository id', async () => {
    const count = web.pushes.length;
    await sim.control.pushCommits({
      host: 'fabrikam', project: 'Fiber Web', repository: 'web', branch: 'main', pushedBy: bobId,
      commits: [{ message: 'over the wire', changes: [{ changeType: 'add', path: '/wire.md', content: Buffer.from('w') }] }],
    });
    const r = await call(`_apis/git/repositories/${web.id}/pushes?$top=1&searchCriteria.includeRefUpdates=true`);
    expect(r.status).toBe(200);
    expect(r.body['value'][0]).toMatchObject({ pushId: count + 1, pushedBy: { id: bobId }, refUpdates: [{ name: 'refs/heads/main' }] });
  });

  it('answers an unknown repository with 404 TF401019', async () => {
    const r = await call('Fiber%20Web/_apis/git/repositories/nope/pushes');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ typeKey: 'GitRepositoryNotFoundException', message: expect.stringContaining('TF401019') });
    expect((await push('refs/heads/main', ZERO, [], { repo: 'Fiber%20Web/_apis/git/repositories/nope' })).status).toBe(404);
  });

  it('needs vso.code to read and vso.code_write to push, and contributor rights to write', async () => {
    expect((await call(`${REPO}/pushes`, { token: projectOnly })).status).toBe(401);
    expect((await call(`${REPO}/pushes`, { token: readOnly })).status).toBe(200);
    const before = await tip();
    expect((await push('refs/heads/main', before, [{ comment: 'c', changes: [add('/ro.md', 'x')] }], { token: readOnly })).status).toBe(401);
    expect((await call(`${REPO}/pushes`, { token: readerToken })).status).toBe(200);
    const denied = await push('refs/heads/main', before, [{ comment: 'c', changes: [add('/ro.md', 'x')] }], { token: readerToken });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ typeKey: 'GitNeedsPermissionException', message: expect.stringContaining("TF401027: You need the Git 'GenericContribute' permission") });
    expect(await tip()).toBe(before);
  });
});
