import { afterAll, describe, expect, it } from 'vitest';
import { parseAzureUrl } from '../../src/azure/urls.js';
import { newId } from '../../src/store/columns.js';
import { deleteConnection, insertConnection } from '../../src/store/connections-repo.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/store/default-workspace.js';
import { hiddenCommits, hideCommit, unhideCommit } from '../../src/store/hidden-commits-repo.js';
import { getMirror, listMirrors, recordFetchFailed, recordFetchSucceeded, upsertMirror } from '../../src/store/mirrors-repo.js';
import type { Store } from '../../src/store/open-store.js';
import { DIALECTS, testStores } from './test-stores.js';

const stores = testStores();
afterAll(() => stores.cleanup());

async function addConnection(store: Store): Promise<string> {
  const id = newId();
  await insertConnection(store.db, {
    id,
    workspaceId: DEFAULT_WORKSPACE_ID,
    name: `c-${id.slice(0, 8)}`,
    description: '',
    labels: [],
    deployment: parseAzureUrl('https://dev.azure.com/fabrikam').deployment,
    credentialType: 'pat',
    credentialPublic: {},
    customHeaders: [],
    tlsCa: null,
    sshKnownHosts: null,
    sshPort: null,
  });
  return id;
}

const REPO = '5febef5a-833d-4e14-b9c0-14cb638f91e6';
const COMMIT = 'a'.repeat(40);

describe.each(DIALECTS)('mirror records on %s', (dialect) => {
  it('creates a record once and keeps its id when the repository is renamed', async () => {
    const store = await stores.open(dialect);
    const connectionId = await addConnection(store);
    const first = await upsertMirror(store.db, { connectionId, repositoryId: REPO, project: 'Fiber', name: 'web', path: '/m/web.git', filter: 'blob:none' });
    expect(first).toMatchObject({ status: 'missing', filter: 'blob:none', project: 'Fiber', name: 'web' });
    expect(first.lastFetchedAt).toBeUndefined();

    const renamed = await upsertMirror(store.db, { connectionId, repositoryId: REPO, project: 'Fiber', name: 'website', path: '/m/web.git' });
    expect(renamed).toMatchObject({ name: 'website', filter: 'blob:none', createdAt: first.createdAt });
    expect(await getMirror(store.db, { connectionId, project: 'FIBER', name: 'WebSite' })).toMatchObject({ repositoryId: REPO });
    expect(await getMirror(store.db, { connectionId, project: 'Fiber', name: 'web' })).toBeUndefined();
    expect(await listMirrors(store.db, connectionId)).toHaveLength(1);
  });

  it('records a successful fetch, then a failed one without losing the last fetched time', async () => {
    const store = await stores.open(dialect);
    const connectionId = await addConnection(store);
    const key = { connectionId, repositoryId: REPO };
    await upsertMirror(store.db, { ...key, project: 'Fiber', name: 'web', path: '/m/web.git' });
    const fetchedAt = new Date('2026-11-22T10:00:00.000Z');
    await recordFetchSucceeded(store.db, { ...key, status: 'ready', at: fetchedAt });
    await recordFetchFailed(store.db, { ...key, code: 'AZDO_GIT_AUTH_FAILED', message: 'refused', at: new Date('2026-11-22T11:00:00.000Z') });
    expect(await getMirror(store.db, key)).toMatchObject({
      status: 'ready',
      lastFetchedAt: '2026-11-22T10:00:00.000Z',
      lastAttemptAt: '2026-11-22T11:00:00.000Z',
      lastError: { code: 'AZDO_GIT_AUTH_FAILED', message: 'refused', at: '2026-11-22T11:00:00.000Z' },
    });
    await recordFetchSucceeded(store.db, { ...key, status: 'empty' });
    const after = await getMirror(store.db, key);
    expect(after?.status).toBe('empty');
    expect(after?.lastError).toBeUndefined();
  });

  it('marks commits hidden and unhidden, once each, and drops them with the connection', async () => {
    const store = await stores.open(dialect);
    const connectionId = await addConnection(store);
    const key = { connectionId, repositoryId: REPO };
    expect(await hideCommit(store.db, { ...key, commitId: COMMIT.toUpperCase() })).toBe(true);
    expect(await hideCommit(store.db, { ...key, commitId: COMMIT })).toBe(false);
    expect([...(await hiddenCommits(store.db, key)).keys()]).toEqual([COMMIT]);
    // Another repository of the same connection is not affected.
    expect((await hiddenCommits(store.db, { connectionId, repositoryId: 'other' })).size).toBe(0);
    expect(await unhideCommit(store.db, { ...key, commitId: COMMIT })).toBe(true);
    expect(await unhideCommit(store.db, { ...key, commitId: COMMIT })).toBe(false);

    await hideCommit(store.db, { ...key, commitId: COMMIT });
    await upsertMirror(store.db, { ...key, project: 'Fiber', name: 'web', path: '/m/web.git' });
    expect(await deleteConnection(store.db, { workspaceId: DEFAULT_WORKSPACE_ID, id: connectionId })).toBe(true);
    expect((await hiddenCommits(store.db, key)).size).toBe(0);
    expect(await getMirror(store.db, key)).toBeUndefined();
  });
});
