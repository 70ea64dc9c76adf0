import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, gitWorld, specJson, type GitWorld } from './git-world.js';

interface Item {
  objectId: string;
  gitObjectType: string;
  commitId: string;
  path: string;
  isFolder?: boolean;
  url: string;
  content?: string;
  contentMetadata?: Record<string, unknown>;
  latestProcessedChange?: { commitId: string };
}

const JSON_ACCEPT = { accept: 'application/json' };

describe('git items REST API', () => {
  let w: GitWorld;
  const ITEMS = '/fabrikam/Fiber%20Web/_apis/git/repositories/web/items';
  beforeAll(async () => {
    w = await gitWorld();
  });
  afterAll(async () => w?.sim.stop());

  const item = async (query: string, headers: Record<string, string> = JSON_ACCEPT) => {
    const path = `${ITEMS}${query}`;
    return specJson<Item>(await w.api(path, { headers }), path, { operationId: 'Items_Get' });
  };
  const items = async (query: string) => {
    const path = `${ITEMS}${query}`;
    return specJson<{ count: number; value: Item[] }>(await w.api(path, { headers: JSON_ACCEPT }), path, { operationId: 'Items_List' });
  };

  it('returns a file as JSON when asked for JSON, with its content on request', async () => {
    const readme = await item('?path=/README.md&includeContent=true');
    expect(readme).toMatchObject({ gitObjectType: 'blob', commitId: w.main[2], path: '/README.md', content: '# Web\nMore.\n' });
    expect(readme.url).toBe(`${w.sim.url}/fabrikam/${w.ids.project}/_apis/git/repositories/${w.ids.web}/items/README.md?versionType=Branch&versionOptions=None`);
    expect(await item('?path=/README.md')).not.toHaveProperty('content');
    expect((await item('?path=/README.md&$format=json', {})).objectId).toBe(readme.objectId);
  });

  it('returns the raw file without Accept or $format, as Azure DevOps does', async () => {
    const text = await w.api(`${ITEMS}?path=/README.md`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toBe('# Web\nMore.\n');
    const binary = await w.api(`${ITEMS}?path=/logo.bin&$format=octetStream`);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect(binary.headers.get('content-disposition')).toContain('filename="logo.bin"');
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from('\u0000\u0001binary'));
    const download = await w.api(`${ITEMS}?path=/src/app.ts&download=true`, { headers: { accept: 'application/octet-stream' } });
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(await (await w.api(`${ITEMS}?path=/src/app.ts&$format=text`)).text()).toBe('export {};\n');
  });

  it('takes the path from the URL too, as the items/{*path} route template allows', async () => {
    expect(await (await w.api(`${ITEMS}/src/app.ts`)).text()).toBe('export {};\n');
  });

  it('answers a folder as JSON even without Accept', async () => {
    const r = await w.api(`${ITEMS}?path=/src`);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await r.json()) as Item).toMatchObject({ gitObjectType: 'tree', isFolder: true, path: '/src' });
  });

  it('reads other versions: a branch, a tag, a commit and the first parent', async () => {
    expect((await item('?path=/src/feature.ts&versionDescriptor.version=feature')).commitId).toBe(w.feature);
    expect((await item('?path=/README.md&versionDescriptor.version=v1&versionDescriptor.versionType=tag&includeContent=true')).content).toBe('# Web\n');
    const atCommit = await item(`?path=/src/util.ts&version=${w.main[1]}&versionType=commit`);
    expect(atCommit.url).toContain(`versionType=Commit&version=${w.main[1]}`);
    const previous = await item('?path=/README.md&versionDescriptor.versionOptions=firstParent&includeContent=true');
    expect(previous).toMatchObject({ commitId: w.main[1], content: '# Web\nMore.\n' });
  });

  it('lists a folder at each recursion level', async () => {
    expect((await items('?scopePath=/docs')).value.map((i) => i.path)).toEqual(['/docs']);
    expect((await items('?scopePath=/&recursionLevel=OneLevel')).value.map((i) => i.path)).toEqual(['/', '/README.md', '/docs', '/logo.bin', '/src']);
    expect((await items('?scopePath=/&recursionLevel=oneLevelPlusNestedEmptyFolders')).value.map((i) => i.path)).toEqual([
      '/',
      '/README.md',
      '/docs',
      '/docs/guide',
      '/logo.bin',
      '/src',
    ]);
    const full = await items('?scopePath=/docs&recursionLevel=Full&includeContentMetadata=true');
    expect(full.value.map((i) => [i.path, i.gitObjectType, i.isFolder ?? false])).toEqual([
      ['/docs', 'tree', true],
      ['/docs/guide', 'tree', true],
      ['/docs/guide/intro.md', 'blob', false],
    ]);
    expect(full.value[2]!.contentMetadata).toMatchObject({ fileName: 'intro.md', extension: 'md' });
    // The official client sends the enum as a number.
    expect((await items('?scopePath=/src&recursionLevel=120')).count).toBe(2);
  });

  it('adds the last commit that changed an item on request', async () => {
    expect((await item('?path=/src/app.ts&latestProcessedChange=true')).latestProcessedChange?.commitId).toBe(w.main[0]);
  });

  it('zips a folder on $format=zip', async () => {
    const r = await w.api(`${ITEMS}?path=/src&$format=zip`);
    expect(r.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await r.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
  });

  it('answers TF401174 for a missing path, naming the version and the commit', async () => {
    const e = await errorOf(await w.api(`${ITEMS}?path=/nope.txt&versionDescriptor.version=main`, { headers: JSON_ACCEPT }), 404);
    expect(e).toEqual(expect.objectContaining({ typeKey: 'GitItemNotFoundException' }));
    expect(e.message).toBe(`TF401174: The item '/nope.txt' could not be found in the repository 'web' at the version specified by '<Branch: main >' (resolved to commit '${w.main[2]}')`);
  });

  it('answers TF401175 for an unknown branch and VS403403 for an empty repository', async () => {
    expect((await errorOf(await w.api(`${ITEMS}?path=/README.md&versionDescriptor.version=nope`), 404)).message).toContain('TF401175');
    const e = await errorOf(await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/empty/items?path=/README.md'), 404);
    expect(e.message).toBe('VS403403: Cannot find any branches for the empty repository.');
  });

  it('rejects contradictory or unknown parameters with 400', async () => {
    expect((await errorOf(await w.api(`${ITEMS}?path=/src&scopePath=/docs`), 400)).message).toContain('"scopePath"');
    await errorOf(await w.api(`${ITEMS}?path=/src&recursionLevel=Full`), 400);
    await errorOf(await w.api(`${ITEMS}?scopePath=/src&recursionLevel=deep`), 400);
    await errorOf(await w.api(`${ITEMS}?path=/src&$format=text`), 400);
    await errorOf(await w.api(`${ITEMS}?path=/README.md&versionType=commit&version=xyz`), 400);
  });

  it('answers TF401019 for a disabled repository and 401 without a code scope', async () => {
    expect((await errorOf(await w.api('/fabrikam/Fiber%20Web/_apis/git/repositories/old/items?path=/a.txt'), 404)).message).toContain('TF401019');
    await errorOf(await w.api(`${ITEMS}?path=/README.md`, { token: w.tokens.aliceProjectOnly }), 401);
  });
});
