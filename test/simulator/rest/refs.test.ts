import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, gitWorld, specJson, type GitWorld } from './git-world.js';

interface Ref {
  name: string;
  objectId: string;
  peeledObjectId?: string;
  creator?: { id: string; displayName: string; uniqueName: string };
  url: string;
  _links?: Record<string, { href: string }>;
}
interface UpdateResult {
  name: string;
  oldObjectId: string;
  newObjectId: string;
  success: boolean;
  updateStatus: string;
  repositoryId: string;
}

const ZERO = '0'.repeat(40);

describe('git refs REST API', () => {
  let w: GitWorld;
  const REFS = '/fabrikam/Fiber%20Web/_apis/git/repositories/web/refs';
  beforeAll(async () => {
    w = await gitWorld();
  });
  afterAll(async () => w?.sim.stop());

  const refs = async (query = '', token?: string) => {
    const path = `${REFS}${query}`;
    const r = await w.api(path, token ? { token } : {});
    return { body: await specJson<{ count: number; value: Ref[] }>(r, path), headers: r.headers };
  };

  it('lists every ref, sorted by name, shaped like the spec example', async () => {
    const { body } = await refs();
    expect(body.value.map((r) => r.name)).toEqual(['refs/heads/feature', 'refs/heads/main', 'refs/tags/v1', 'refs/tags/v2']);
    const main = body.value[1]!;
    expect(main).toMatchObject({ objectId: w.main[2], creator: { id: w.ids.alice, displayName: 'Alice Smith', uniqueName: 'alice@example.com' } });
    expect(main.url).toBe(`${w.sim.url}/fabrikam/${w.ids.project}/_apis/git/repositories/${w.ids.web}/refs?filter=heads%2Fmain`);
    expect(body.value[0]!.creator?.id).toBe(w.ids.bob);
  });

  it('filters by prefix without refs/ and by substring', async () => {
    expect((await refs('?filter=tags/')).body.value.map((r) => r.name)).toEqual(['refs/tags/v1', 'refs/tags/v2']);
    expect((await refs('?filter=heads/&filterContains=feat')).body.value.map((r) => r.name)).toEqual(['refs/heads/feature']);
    expect((await refs('?filter=refs/heads/')).body.count).toBe(0);
  });

  it('peels annotated tags only when asked', async () => {
    const plain = (await refs('?filter=tags/v2')).body.value[0]!;
    expect(plain).toMatchObject({ objectId: w.tagObject });
    expect(plain).not.toHaveProperty('peeledObjectId');
    const peeled = (await refs('?filter=tags/&peelTags=true')).body.value;
    expect(peeled.find((r) => r.name === 'refs/tags/v2')!.peeledObjectId).toBe(w.main[1]);
    expect(peeled.find((r) => r.name === 'refs/tags/v1')).not.toHaveProperty('peeledObjectId');
  });

  it('adds links on request', async () => {
    const ref = (await refs('?filter=heads/main&includeLinks=true')).body.value[0]!;
    expect(ref._links?.['self']?.href).toBe(ref.url);
  });

  it('pages with $top and a continuation token in x-ms-continuationtoken', async () => {
    const first = await refs('?$top=3');
    expect(first.body.value.map((r) => r.name)).toEqual(['refs/heads/feature', 'refs/heads/main', 'refs/tags/v1']);
    const token = first.headers.get('x-ms-continuationtoken');
    expect(token).toBeTruthy();
    const second = await refs(`?$top=3&continuationToken=${encodeURIComponent(token!)}`);
    expect(second.body.value.map((r) => r.name)).toEqual(['refs/tags/v2']);
    expect(second.headers.get('x-ms-continuationtoken')).toBeNull();
    // A token alone pages by 100; $top above 1000 is capped, as Azure DevOps does.
    expect((await refs(`?continuationToken=${encodeURIComponent(token!)}`)).body.count).toBe(1);
    expect((await refs('?$top=5000')).body.count).toBe(4);
  });

  it('lists my branches and the default branch, and refuses to combine that with a filter', async () => {
    expect((await refs('?includeMyBranches=true', w.tokens.bob)).body.value.map((r) => r.name)).toEqual(['refs/heads/feature', 'refs/heads/main']);
    await errorOf(await w.api(`${REFS}?includeMyBranches=true&filter=heads/`), 400);
  });

  it('rejects a non-numeric $top with 400', async () => {
    await errorOf(await w.api(`${REFS}?$top=ten`), 400);
  });

  it('answers TF401019 for an unknown or disabled repository', async () => {
    expect((await errorOf(await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/nope/refs'), 404)).message).toContain('TF401019');
    expect((await errorOf(await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/old/refs'), 404)).typeKey).toBe('GitRepositoryNotFoundException');
  });

  it('answers an empty list for an empty repository', async () => {
    const body = (await (await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/empty/refs')).json()) as { count: number };
    expect(body.count).toBe(0);
  });

  describe('updating refs', () => {
    const post = (body: unknown, token?: string) => w.api(REFS, { method: 'POST', body, ...(token ? { token } : {}) });
    const results = async (r: Response) => (await specJson<{ count: number; value: UpdateResult[] }>(r, REFS, { method: 'POST' })).value;

    it('creates, moves and deletes branches and records each call as a push', async () => {
      const before = w.sim.context.store.state.hosts[0]!.projects[0]!.repositories.find((r) => r.name === 'web')!.pushes.length;
      const created = await results(await post([{ name: 'refs/heads/topic', oldObjectId: ZERO, newObjectId: w.main[0] }]));
      expect(created).toEqual([
        { repositoryId: w.ids.web, name: 'refs/heads/topic', oldObjectId: ZERO, newObjectId: w.main[0], isLocked: false, updateStatus: 'succeeded', success: true },
      ]);
      const listed = (await refs('?filter=heads/topic')).body.value[0]!;
      expect(listed).toMatchObject({ objectId: w.main[0], creator: { id: w.ids.alice } });
      const moved = await results(await post([{ name: 'refs/heads/topic', oldObjectId: w.main[0], newObjectId: w.main[1] }]));
      expect(moved[0]!.success).toBe(true);
      const deleted = await results(await post([{ name: 'refs/heads/topic', oldObjectId: w.main[1], newObjectId: ZERO }]));
      expect(deleted[0]!.updateStatus).toBe('succeeded');
      expect((await refs('?filter=heads/topic')).body.count).toBe(0);
      const repo = w.sim.context.store.state.hosts[0]!.projects[0]!.repositories.find((r) => r.name === 'web')!;
      expect(repo.pushes.length).toBe(before + 3);
      expect(repo.pushes.at(-1)!.refUpdates).toEqual([{ name: 'refs/heads/topic', oldObjectId: w.main[1], newObjectId: ZERO }]);
    });

    it('reports each failed update in its status with 200, and applies the others', async () => {
      const value = await results(
        await post([
          { name: 'refs/heads/main', oldObjectId: w.main[0], newObjectId: w.main[1] },
          { name: 'refs/heads/bad..name', oldObjectId: ZERO, newObjectId: w.main[0] },
          { name: 'refs/heads/ghost', oldObjectId: ZERO, newObjectId: 'ab'.repeat(20) },
          { name: 'refs/heads/gone', oldObjectId: w.main[0], newObjectId: ZERO },
          { name: 'refs/heads/FEATURE', oldObjectId: ZERO, newObjectId: w.main[0] },
          { name: 'refs/heads/ok', oldObjectId: ZERO, newObjectId: w.main[0] },
        ]),
      );
      expect(value.map((v) => [v.updateStatus, v.success])).toEqual([
        ['staleOldObjectId', false],
        ['invalidRefName', false],
        ['unresolvableToCommit', false],
        ['succeededNonExistentRef', true],
        ['refNameConflict', false],
        ['succeeded', true],
      ]);
      expect((await refs('?filter=heads/main')).body.value[0]!.objectId).toBe(w.main[2]);
      expect((await refs('?filter=heads/ok')).body.count).toBe(1);
    });

    it('refuses a reader of the project with a permission status', async () => {
      const value = await results(await post([{ name: 'refs/heads/by-bob', oldObjectId: ZERO, newObjectId: w.main[0] }], w.tokens.bob));
      expect(value[0]).toMatchObject({ updateStatus: 'createBranchPermissionRequired', success: false });
    });

    it('rejects malformed bodies with 400', async () => {
      await errorOf(await post([]), 400);
      await errorOf(await post([{ name: 'refs/heads/x', oldObjectId: 'nope', newObjectId: ZERO }]), 400);
      const twice = { name: 'refs/heads/x', oldObjectId: ZERO, newObjectId: w.main[0] };
      expect((await errorOf(await post([twice, twice]), 400)).message).toContain('more than once');
    });

    it('needs vso.code_write: a read-only code PAT gets 401', async () => {
      await errorOf(await post([{ name: 'refs/heads/x', oldObjectId: ZERO, newObjectId: w.main[0] }], w.tokens.aliceCodeRead), 401);
    });
  });
});
