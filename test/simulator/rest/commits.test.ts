import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, gitWorld, specJson, type GitWorld } from './git-world.js';

interface Commit {
  commitId: string;
  comment: string;
  author: { name: string; email: string; date: string };
  changeCounts?: { Add: number; Edit: number; Delete: number };
  parents?: string[];
  treeId?: string;
  push?: { pushId: number; pushedBy: { id: string } };
  changes?: Array<{ changeType: string; item: { path: string; gitObjectType: string; isFolder?: boolean } }>;
  url: string;
  remoteUrl: string;
  _links?: Record<string, { href: string }>;
}
type List = { count: number; value: Commit[] };

describe('git commits REST API', () => {
  let w: GitWorld;
  const REPO = '/fabrikam/Fiber%20Web/_apis/git/repositories/web';
  beforeAll(async () => {
    w = await gitWorld();
  });
  afterAll(async () => w?.sim.stop());

  const list = async (query: string) => {
    const path = `${REPO}/commits${query}`;
    const r = await w.api(path);
    return { body: await specJson<List>(r, path, { operationId: 'Commits_Get Commits' }), headers: r.headers };
  };
  const ids = (body: List) => body.value.map((c) => c.commitId);

  it("lists the default branch's history newest first, with change counts", async () => {
    const { body, headers } = await list('');
    expect(ids(body)).toEqual([w.main[2], w.main[1], w.main[0]]);
    expect(body.value[0]).toMatchObject({ comment: 'Remove util', changeCounts: { Add: 0, Edit: 0, Delete: 1 } });
    // Folders count when they appear: /src, /docs and /docs/guide are adds of the first commit.
    expect(body.value[2]!.changeCounts).toEqual({ Add: 7, Edit: 0, Delete: 0 });
    expect(body.value[0]!.url).toBe(`${w.sim.url}/fabrikam/${w.ids.project}/_apis/git/repositories/${w.ids.web}/commits/${w.main[2]}`);
    expect(body.value[0]!.remoteUrl).toBe(`${w.sim.url}/fabrikam/Fiber%20Web/_git/web/commit/${w.main[2]}`);
    expect(headers.get('link')).toBe(`<${w.main[2]}>;rel="startingCommitId"`);
  });

  it('takes a branch, a tag or a commit as itemVersion, with or without the searchCriteria prefix', async () => {
    expect(ids((await list('?searchCriteria.itemVersion.version=feature')).body)[0]).toBe(w.feature);
    expect(ids((await list('?searchCriteria.itemVersion.version=v2&searchCriteria.itemVersion.versionType=tag')).body)).toEqual([w.main[1], w.main[0]]);
    expect(ids((await list(`?itemVersion.version=${w.main[0]}&itemVersion.versionType=commit`)).body)).toEqual([w.main[0]]);
  });

  it('pages with $top and $skip, prefixed or not', async () => {
    expect(ids((await list('?searchCriteria.$top=1&searchCriteria.$skip=1')).body)).toEqual([w.main[1]]);
    expect(ids((await list('?$top=2')).body)).toEqual([w.main[2], w.main[1]]);
    expect(ids((await list('?$top=1&$skip=2&searchCriteria.showOldestCommitsFirst=true')).body)).toEqual([w.main[2]]);
  });

  it('filters by author, dates, path and commit range', async () => {
    expect(ids((await list('?searchCriteria.author=bob')).body)).toEqual([w.main[1]]);
    expect(ids((await list('?searchCriteria.fromDate=2024-01-15T00:00:00Z&searchCriteria.toDate=2024-02-15T00:00:00Z')).body)).toEqual([w.main[1]]);
    expect(ids((await list('?searchCriteria.itemPath=/src/util.ts')).body)).toEqual([w.main[2], w.main[1]]);
    expect(ids((await list(`?searchCriteria.fromCommitId=${w.main[0]}&searchCriteria.toCommitId=${w.main[1]}`)).body)).toEqual([w.main[1]]);
    expect(ids((await list(`?searchCriteria.ids=${w.main[0]},${w.main[2]}`)).body)).toEqual([w.main[0], w.main[2]]);
  });

  it('adds links when asked', async () => {
    const c = (await list('?searchCriteria.$top=1&searchCriteria.includeLinks=true')).body.value[0]!;
    expect(c._links?.['self']?.href).toBe(`${w.sim.url}/fabrikam/_apis/git/repositories/${w.ids.web}/commits/${w.main[2]}`);
  });

  it('answers TF401175 for a branch that does not exist, and for a full ref name', async () => {
    for (const version of ['nope', 'refs/heads/main']) {
      const e = await errorOf(await w.api(`${REPO}/commits?searchCriteria.itemVersion.version=${encodeURIComponent(version)}`), 404);
      expect(e).toEqual(expect.objectContaining({ typeKey: 'GitUnresolvableToCommitException' }));
      expect(e.message).toBe(`TF401175:The version descriptor <Branch: ${version} > could not be resolved to a version in the repository web`);
    }
  });

  it('rejects bad criteria with 400', async () => {
    await errorOf(await w.api(`${REPO}/commits?searchCriteria.itemVersion.versionType=sideways&searchCriteria.itemVersion.version=main`), 400);
    await errorOf(await w.api(`${REPO}/commits?searchCriteria.fromDate=yesterday-ish`), 400);
    await errorOf(await w.api(`${REPO}/commits?searchCriteria.ids=123`), 400);
    await errorOf(await w.api(`${REPO}/commits?$top=many`), 400);
  });

  it('answers count 0 for an empty repository', async () => {
    const body = (await (await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/empty/commits')).json()) as List;
    expect(body).toEqual({ count: 0, value: [] });
  });

  it('answers TF401019 for a disabled repository', async () => {
    expect((await errorOf(await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/old/commits'), 404)).message).toContain('TF401019');
  });

  it("lists a push's commits when given pushId", async () => {
    const path = `${REPO}/commits?pushId=1`;
    const body = await specJson<List>(await w.api(path), path, { operationId: 'Commits_Get Push Commits' });
    expect(ids(body)).toEqual([w.main[2], w.main[1], w.main[0]]);
    expect(body.value[0]!._links?.['web']?.href).toBe(body.value[0]!.remoteUrl);
  });

  describe('one commit', () => {
    it('gets a commit with its parents, tree, push and links', async () => {
      const path = `${REPO}/commits/${w.main[1]}`;
      const c = await specJson<Commit>(await w.api(path), path);
      expect(c).toMatchObject({ commitId: w.main[1], parents: [w.main[0]], push: { pushId: 1, pushedBy: { id: w.ids.alice } } });
      expect(c.treeId).toMatch(/^[0-9a-f]{40}$/);
      expect(c).not.toHaveProperty('changeCounts');
      expect(c._links?.['tree']?.href).toContain(`/trees/${c.treeId}`);
    });

    it('lists up to changeCount changes with the full counts', async () => {
      const path = `${REPO}/commits/${w.main[0]}?changeCount=2`;
      const c = await specJson<Commit>(await w.api(path), path);
      expect(c.changeCounts).toEqual({ Add: 7, Edit: 0, Delete: 0 });
      expect(c.changes).toHaveLength(2);
      expect(c.changes![0]).toMatchObject({ changeType: 'add', item: { path: '/README.md', gitObjectType: 'blob' } });
      const edit = (await (await w.api(`${REPO}/commits/${w.main[1]}?changeCount=10`)).json()) as Commit;
      expect(edit.changes!.map((x) => `${x.changeType} ${x.item.path}`)).toEqual(['edit /README.md', 'add /src/util.ts']);
    });

    it('answers TF401029 for an unknown commit and 400 for a malformed id', async () => {
      const e = await errorOf(await w.api(`${REPO}/commits/${'ab'.repeat(20)}`), 404);
      expect(e).toMatchObject({ typeKey: 'GitCommitDoesNotExistException', message: `TF401029: Couldn't find Git commit with ID ${'ab'.repeat(20)}.` });
      await errorOf(await w.api(`${REPO}/commits/abc`), 400);
    });
  });

  describe('commitsbatch', () => {
    const batch = async (body: unknown, query = '') => {
      const path = `${REPO}/commitsbatch${query}`;
      return specJson<List>(await w.api(path, { method: 'POST', body }), path, { method: 'POST' });
    };

    it('lists commits of itemVersion that are not in compareVersion', async () => {
      const body = await batch({ itemVersion: { versionType: 'branch', version: 'feature' }, compareVersion: { versionType: 'branch', version: 'main' } });
      expect(ids(body)).toEqual([w.feature]);
      // Enums may come as numbers, as the official clients send them.
      expect(ids(await batch({ itemVersion: { versionType: 1, version: 'v1' } }))).toEqual([w.main[0]]);
    });

    it('gets commits by id, and pages with $top and $skip', async () => {
      expect(ids(await batch({ ids: [w.main[1], w.feature] }))).toEqual([w.main[1], w.feature]);
      expect(ids(await batch({ itemVersion: { version: 'main' } }, '?$top=1&$skip=1'))).toEqual([w.main[1]]);
      expect(ids(await batch({ itemVersion: { version: 'main' }, $top: 1 }))).toEqual([w.main[2]]);
    });

    it('rejects ids combined with other criteria', async () => {
      await errorOf(await w.api(`${REPO}/commitsbatch`, { method: 'POST', body: { ids: [w.main[0]], author: 'bob' } }), 400);
    });
  });
});
