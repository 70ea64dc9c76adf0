import { afterAll, describe, expect, it } from 'vitest';
import { parseAzureUrl } from '../../src/azure/urls.js';
import { newId } from '../../src/store/columns.js';
import {
  connectionsStamp,
  deleteConnection,
  findConnectionsByUrl,
  getConnection,
  insertConnection,
  listConnections,
  recordTestResult,
  updateConnection,
  type NewConnection,
} from '../../src/store/connections-repo.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/store/default-workspace.js';
import type { Store } from '../../src/store/open-store.js';
import { CONNECTION_OWNER, listSecrets, type NewSecret } from '../../src/store/secrets-repo.js';
import { DIALECTS, testStores } from './test-stores.js';
import { rejection } from '../helpers/rejection.js';

const stores = testStores();
afterAll(() => stores.cleanup());

const W = DEFAULT_WORKSPACE_ID;

function deploymentOf(url: string) {
  return parseAzureUrl(url).deployment;
}

function connection(name: string, overrides: Partial<NewConnection> = {}): NewConnection {
  return {
    id: newId(),
    workspaceId: W,
    name,
    description: `The ${name} organization`,
    labels: ['team-a', 'prod'],
    deployment: deploymentOf('https://dev.azure.com/fabrikam'),
    credentialType: 'pat',
    credentialPublic: { expiresAt: '2027-01-01T00:00:00.000Z', scopes: ['vso.code'] },
    customHeaders: [
      { name: 'X-Tenant', secret: false, value: 'blue' },
      { name: 'CF-Access-Client-Secret', secret: true },
    ],
    tlsCa: null,
    sshKnownHosts: null,
    sshPort: null,
    ...overrides,
  };
}

/** Stand-ins for vault output: the repository stores whatever ciphertext it is given. */
function secret(purpose: string, marker = purpose): NewSecret {
  return { purpose, keyId: 'k1', nonce: 'bm9uY2U=', ciphertext: Buffer.from(marker).toString('base64'), tag: 'dGFn' };
}

async function secretsOf(store: Store, id: string) {
  return listSecrets(store.db, { ownerType: CONNECTION_OWNER, ownerId: id });
}


async function addWorkspace(store: Store): Promise<string> {
  const id = newId();
  await store.db.insertInto('workspaces').values({ id, name: 'Other', created_at: new Date().toISOString() }).execute();
  return id;
}

describe.each(DIALECTS)('connections on %s', (dialect) => {
  it('stores a connection and reads it back by id and by name in any case', async () => {
    const store = await stores.open(dialect);
    const input = connection('Fabrikam Prod', {
      deployment: deploymentOf('https://Fabrikam.visualstudio.com'),
      tlsCa: null,
    });
    const saved = await insertConnection(store.db, input, [secret('credential')]);
    expect(saved).toMatchObject({
      ...input,
      kind: 'services',
      url: 'https://Fabrikam.visualstudio.com',
      lastTest: null,
      version: 1,
    });
    expect(saved.createdAt).toBe(saved.updatedAt);
    expect(Date.parse(saved.createdAt)).not.toBeNaN();
    expect(await getConnection(store.db, { workspaceId: W, id: input.id })).toEqual(saved);
    expect(await getConnection(store.db, { workspaceId: W, name: 'fABRIKAM prod' })).toEqual(saved);
    expect(await getConnection(store.db, { workspaceId: W, name: 'nope' })).toBeUndefined();
    expect((await secretsOf(store, input.id)).map((s) => s.purpose)).toEqual(['credential']);
  });

  it('stores a Server connection with its CA bundle, pinned host keys and SSH port', async () => {
    const store = await stores.open(dialect);
    const input = connection('tfs', {
      deployment: deploymentOf('https://tfs.contoso.local:8443/tfs/DefaultCollection'),
      credentialType: 'ssh',
      credentialPublic: { fingerprint: 'SHA256:abc', publicKey: 'ssh-ed25519 AAAA test' },
      tlsCa: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      sshKnownHosts: 'tfs.contoso.local ssh-ed25519 AAAA',
      sshPort: 2222,
    });
    const saved = await insertConnection(store.db, input);
    expect(saved.kind).toBe('server');
    expect(saved.url).toBe('https://tfs.contoso.local:8443/tfs/DefaultCollection');
    expect(await getConnection(store.db, { workspaceId: W, id: input.id })).toMatchObject({
      tlsCa: input.tlsCa,
      sshKnownHosts: input.sshKnownHosts,
      sshPort: 2222,
      credentialPublic: input.credentialPublic,
    });
  });

  it('pages through 25 connections by cursor, in name order without regard to case, missing none', async () => {
    const store = await stores.open(dialect);
    const names = Array.from({ length: 25 }, (_, i) => `${i % 2 ? 'Conn' : 'conn'}-${String(i).padStart(2, '0')}`);
    // Inserted out of order so the order comes from the query, not from insertion.
    for (const name of [...names].reverse()) await insertConnection(store.db, connection(name));
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listConnections(store.db, { workspaceId: W, limit: 10, ...(cursor ? { cursor } : {}) });
      pageSizes.push(page.connections.length);
      seen.push(...page.connections.map((c) => c.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pageSizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(names);
  });

  it('answers an exactly full last page with no cursor, and an empty workspace with an empty page', async () => {
    const store = await stores.open(dialect);
    for (let i = 0; i < 4; i++) await insertConnection(store.db, connection(`c${i}`));
    const first = await listConnections(store.db, { workspaceId: W, limit: 2 });
    const second = await listConnections(store.db, { workspaceId: W, limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.connections.map((c) => c.name)).toEqual(['c2', 'c3']);
    expect(second.nextCursor).toBeNull();
    expect(await listConnections(store.db, { workspaceId: await addWorkspace(store) })).toEqual({
      connections: [],
      nextCursor: null,
    });
  });

  it('moves the workspace\'s change stamp with every change, in any transaction, and no other workspace\'s', async () => {
    const store = await stores.open(dialect);
    const other = await addWorkspace(store);
    const stamps = async () => [await connectionsStamp(store.db, W), await connectionsStamp(store.db, other)];
    expect(await stamps()).toEqual([0, 0]);
    const input = connection('stamped');
    await insertConnection(store.db, input);
    const [afterInsert] = await stamps();
    expect(afterInsert).toBeGreaterThan(0);
    await updateConnection(store.db, { workspaceId: W, id: input.id, expectedVersion: 1, changes: { description: 'x' } });
    const [afterUpdate] = await stamps();
    expect(afterUpdate).toBeGreaterThan(afterInsert!);
    expect(await recordTestResult(store.db, { workspaceId: W, id: input.id, ok: true, result: { ok: true } })).toBe(true);
    const [afterTest] = await stamps();
    expect(afterTest).toBeGreaterThan(afterUpdate!);
    // A failed change moves nothing: a test of a connection that does not exist, a stale edit.
    expect(await recordTestResult(store.db, { workspaceId: W, id: newId(), ok: true, result: null })).toBe(false);
    await rejection(updateConnection(store.db, { workspaceId: W, id: input.id, expectedVersion: 1, changes: { description: 'y' } }));
    expect(await stamps()).toEqual([afterTest, 0]);
    expect(await deleteConnection(store.db, { workspaceId: W, id: input.id })).toBe(true);
    const [afterDelete, untouched] = await stamps();
    expect(afterDelete).toBeGreaterThan(afterTest!);
    expect(untouched).toBe(0);
  });

  it('refuses a cursor it did not hand out', async () => {
    const store = await stores.open(dialect);
    for (const cursor of ['', 'not-base64!', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
      const error = await rejection(listConnections(store.db, { workspaceId: W, cursor }));
      expect(error.code).toBe('AZDO_STORE_CURSOR_INVALID');
    }
  });

  it('refuses a second connection whose name differs only in case, but allows it in another workspace', async () => {
    const store = await stores.open(dialect);
    await insertConnection(store.db, connection('Prod'));
    const error = await rejection(insertConnection(store.db, connection('PROD')));
    expect(error.code).toBe('AZDO_CONNECTION_NAME_TAKEN');
    expect(error.message).toContain('"PROD"');
    const other = await addWorkspace(store);
    const elsewhere = await insertConnection(store.db, connection('prod', { workspaceId: other }));
    expect(elsewhere.workspaceId).toBe(other);
  });

  it('leaves nothing behind when an insert fails on its name: no secrets, the existing connection untouched', async () => {
    const store = await stores.open(dialect);
    const first = await insertConnection(store.db, connection('Prod'), [secret('credential', 'first')]);
    const duplicate = connection('prod');
    await rejection(insertConnection(store.db, duplicate, [secret('credential', 'second'), secret('header:x-a')]));
    expect(await secretsOf(store, duplicate.id)).toEqual([]);
    expect(await store.db.selectFrom('secrets').select('owner_id').execute()).toEqual([{ owner_id: first.id }]);
    expect(await getConnection(store.db, { workspaceId: W, id: first.id })).toEqual(first);
  });

  it('leaves no connection behind when one of its secrets cannot be written', async () => {
    const store = await stores.open(dialect);
    const input = connection('Prod');
    await expect(insertConnection(store.db, input, [secret('credential'), secret('credential')])).rejects.toThrow();
    expect(await getConnection(store.db, { workspaceId: W, id: input.id })).toBeUndefined();
    expect(await store.db.selectFrom('secrets').selectAll().execute()).toEqual([]);
  });

  it('refuses a connection in a workspace that does not exist', async () => {
    const store = await stores.open(dialect);
    const error = await rejection(insertConnection(store.db, connection('x', { workspaceId: 'no-such-workspace' })));
    expect(error.code).toBe('AZDO_WORKSPACE_NOT_FOUND');
  });

  it('refuses to write a secret header value in plain text', async () => {
    const store = await stores.open(dialect);
    const leaky = connection('x', {
      customHeaders: [{ name: 'CF-Access-Client-Secret', secret: true, value: 'LEAK' } as never],
    });
    await expect(insertConnection(store.db, leaky)).rejects.toThrow(/secret values belong in the vault/);
    expect(await store.db.selectFrom('connections').selectAll().execute()).toEqual([]);
  });

  it('updates fields and secrets together, bumping the version', async () => {
    const store = await stores.open(dialect);
    const input = connection('Prod');
    await insertConnection(store.db, input, [secret('credential', 'old'), secret('header:cf-access-client-secret')]);
    const updated = await updateConnection(store.db, {
      workspaceId: W,
      id: input.id,
      expectedVersion: 1,
      changes: { description: 'Moved', labels: ['x'], customHeaders: [], tlsCa: undefined },
      secrets: { put: [secret('credential', 'new')], remove: ['header:cf-access-client-secret'] },
    });
    expect(updated).toMatchObject({ name: 'Prod', description: 'Moved', labels: ['x'], customHeaders: [], version: 2 });
    expect(updated.createdAt).toBe((await getConnection(store.db, { workspaceId: W, id: input.id }))?.createdAt);
    const secrets = await secretsOf(store, input.id);
    expect(secrets.map((s) => [s.purpose, Buffer.from(s.ciphertext, 'base64').toString()])).toEqual([['credential', 'new']]);
  });

  it('refuses an update based on an old version and changes nothing', async () => {
    const store = await stores.open(dialect);
    const input = connection('Prod');
    await insertConnection(store.db, input, [secret('credential', 'v1')]);
    await updateConnection(store.db, { workspaceId: W, id: input.id, expectedVersion: 1, changes: { description: 'first' } });
    const before = await getConnection(store.db, { workspaceId: W, id: input.id });
    const error = await rejection(
      updateConnection(store.db, {
        workspaceId: W,
        id: input.id,
        expectedVersion: 1,
        changes: { description: 'stale' },
        secrets: { put: [secret('credential', 'stale')] },
      }),
    );
    expect(error.code).toBe('AZDO_STORE_CONFLICT');
    expect(await getConnection(store.db, { workspaceId: W, id: input.id })).toEqual(before);
    expect((await secretsOf(store, input.id)).map((s) => Buffer.from(s.ciphertext, 'base64').toString())).toEqual(['v1']);
  });

  it('lets exactly one of two simultaneous updates of the same version win', async () => {
    const store = await stores.open(dialect);
    const input = connection('Prod');
    await insertConnection(store.db, input);
    const attempts = await Promise.allSettled(
      ['a', 'b'].map((description) =>
        updateConnection(store.db, { workspaceId: W, id: input.id, expectedVersion: 1, changes: { description } }),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const failed = attempts.find((a) => a.status === 'rejected');
    expect((failed as PromiseRejectedResult).reason).toMatchObject({ code: 'AZDO_STORE_CONFLICT' });
    expect((await getConnection(store.db, { workspaceId: W, id: input.id }))?.version).toBe(2);
  });

  it('refuses a rename onto a taken name and keeps the secrets of that update out', async () => {
    const store = await stores.open(dialect);
    await insertConnection(store.db, connection('Taken'));
    const input = connection('Mine');
    await insertConnection(store.db, input, [secret('credential', 'kept')]);
    const error = await rejection(
      updateConnection(store.db, {
        workspaceId: W,
        id: input.id,
        expectedVersion: 1,
        changes: { name: 'TAKEN' },
        secrets: { put: [secret('credential', 'lost')] },
      }),
    );
    expect(error.code).toBe('AZDO_CONNECTION_NAME_TAKEN');
    expect(await getConnection(store.db, { workspaceId: W, id: input.id })).toMatchObject({ name: 'Mine', version: 1 });
    expect((await secretsOf(store, input.id)).map((s) => Buffer.from(s.ciphertext, 'base64').toString())).toEqual(['kept']);
  });

  it('allows a rename that only changes case', async () => {
    const store = await stores.open(dialect);
    const input = connection('prod');
    await insertConnection(store.db, input);
    const updated = await updateConnection(store.db, { workspaceId: W, id: input.id, expectedVersion: 1, changes: { name: 'PROD' } });
    expect(updated.name).toBe('PROD');
  });

  it('reports an update of a connection that is missing, or in another workspace, as not found', async () => {
    const store = await stores.open(dialect);
    const input = connection('Prod');
    await insertConnection(store.db, input);
    const other = await addWorkspace(store);
    for (const ref of [{ workspaceId: W, id: newId() }, { workspaceId: other, id: input.id }]) {
      const error = await rejection(updateConnection(store.db, { ...ref, expectedVersion: 1, changes: { description: 'x' } }));
      expect(error.code).toBe('AZDO_CONNECTION_NOT_FOUND');
    }
  });

  it('deletes a connection with its secrets, and nothing of another workspace', async () => {
    const store = await stores.open(dialect);
    const keep = connection('Keep');
    const drop = connection('Drop');
    await insertConnection(store.db, keep, [secret('credential')]);
    await insertConnection(store.db, drop, [secret('credential'), secret('header:x')]);
    const other = await addWorkspace(store);
    expect(await deleteConnection(store.db, { workspaceId: other, id: drop.id })).toBe(false);
    expect(await secretsOf(store, drop.id)).toHaveLength(2);
    expect(await deleteConnection(store.db, { workspaceId: W, id: drop.id })).toBe(true);
    expect(await getConnection(store.db, { workspaceId: W, id: drop.id })).toBeUndefined();
    expect(await secretsOf(store, drop.id)).toEqual([]);
    expect(await secretsOf(store, keep.id)).toHaveLength(1);
    expect(await deleteConnection(store.db, { workspaceId: W, id: drop.id })).toBe(false);
  });

  it('refuses to delete a connection that changed since it was read', async () => {
    const store = await stores.open(dialect);
    const input = connection('Prod');
    await insertConnection(store.db, input, [secret('credential')]);
    await updateConnection(store.db, { workspaceId: W, id: input.id, expectedVersion: 1, changes: { description: 'x' } });
    const error = await rejection(deleteConnection(store.db, { workspaceId: W, id: input.id, expectedVersion: 1 }));
    expect(error.code).toBe('AZDO_STORE_CONFLICT');
    expect(await secretsOf(store, input.id)).toHaveLength(1);
    expect(await deleteConnection(store.db, { workspaceId: W, id: input.id, expectedVersion: 2 })).toBe(true);
  });

  it('records a test result without bumping the version or the update time', async () => {
    const store = await stores.open(dialect);
    const input = connection('Prod');
    const saved = await insertConnection(store.db, input);
    const at = new Date('2026-11-22T10:00:00.000Z');
    const result = { checks: [{ name: 'auth', ok: false, code: 'TF400813' }] };
    expect(await recordTestResult(store.db, { workspaceId: W, id: input.id, ok: false, result, at })).toBe(true);
    const tested = await getConnection(store.db, { workspaceId: W, id: input.id });
    expect(tested?.lastTest).toEqual({ at: at.toISOString(), ok: false, result });
    expect(tested?.version).toBe(1);
    expect(tested?.updatedAt).toBe(saved.updatedAt);
    await recordTestResult(store.db, { workspaceId: W, id: input.id, ok: true, result: null });
    expect((await getConnection(store.db, { workspaceId: W, id: input.id }))?.lastTest?.ok).toBe(true);
    expect(await recordTestResult(store.db, { workspaceId: W, id: newId(), ok: true, result: null })).toBe(false);
  });

  it('finds connections by any URL of their organization or collection, either Services host, any case', async () => {
    const store = await stores.open(dialect);
    const services = connection('Services', { deployment: deploymentOf('https://fabrikam.visualstudio.com') });
    const server = connection('Server', { deployment: deploymentOf('https://tfs.contoso.local/tfs/DefaultCollection') });
    const unrelated = connection('Other', { deployment: deploymentOf('https://dev.azure.com/contoso') });
    for (const c of [services, server, unrelated]) await insertConnection(store.db, c);
    const other = await addWorkspace(store);
    await insertConnection(store.db, connection('Elsewhere', { workspaceId: other, deployment: services.deployment }));

    const byPr = await findConnectionsByUrl(store.db, 'https://dev.azure.com/FABRIKAM/Web/_git/web/pullrequest/7');
    expect(byPr.map((c) => c.name).sort()).toEqual(['Elsewhere', 'Services']);
    const scoped = await findConnectionsByUrl(store.db, 'https://dev.azure.com/fabrikam', { workspaceId: W });
    expect(scoped.map((c) => c.name)).toEqual(['Services']);
    const byRepo = await findConnectionsByUrl(store.db, 'https://TFS.contoso.local/tfs/defaultcollection/Proj/_git/repo');
    expect(byRepo.map((c) => c.name)).toEqual(['Server']);
    expect(await findConnectionsByUrl(store.db, deploymentOf('https://dev.azure.com/nobody'))).toEqual([]);
  });
});
