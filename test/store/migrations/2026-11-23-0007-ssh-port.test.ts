import { Migrator } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/store/columns.js';
import { getConnection } from '../../../src/store/connections-repo.js';
import { DEFAULT_WORKSPACE_ID } from '../../../src/store/default-workspace.js';
import { migrations } from '../../../src/store/migrations/index.js';
import type { TestStore } from '../test-stores.js';
import { DIALECTS, testStores } from '../test-stores.js';

const stores = testStores();
afterAll(() => stores.cleanup());

const BEFORE = '2026-11-22-0006-rate-limits';

function migratorOf(store: TestStore): Migrator {
  return new Migrator({
    db: store.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(store.schema ? { migrationTableSchema: store.schema } : {}),
  });
}

/** A connection row as the store wrote it before the migration: the credential's public facts as JSON text. */
async function insertRow(store: TestStore, name: string, credentialPublic: object): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  await store.db
    .insertInto('connections')
    .values({
      id,
      workspace_id: DEFAULT_WORKSPACE_ID,
      name,
      name_key: name,
      description: '',
      labels: '[]',
      kind: 'server',
      url: `https://tfs.contoso.local/tfs/${name}`,
      deployment_key: `https://tfs.contoso.local/tfs/${name}`,
      deployment: JSON.stringify({ kind: 'server', baseUrl: 'https://tfs.contoso.local', virtualDirectory: 'tfs', collection: name }),
      credential_type: 'ssh',
      credential_public: JSON.stringify(credentialPublic),
      custom_headers: '[]',
      tls_ca: null,
      ssh_known_hosts: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

async function readRow(store: TestStore, id: string): Promise<Record<string, unknown>> {
  const row = await store.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return row as unknown as Record<string, unknown>;
}

const SSH_KEY = { type: 'ssh', publicKey: 'ssh-ed25519 AAAA test', fingerprint: 'SHA256:abc' };

describe.each(DIALECTS)('the ssh_port migration on %s', (dialect) => {
  it('moves sshPort out of the credential JSON into its column, and back when migrated down', async () => {
    const store = await stores.open(dialect);
    const migrator = migratorOf(store);
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();

    const withPort = await insertRow(store, 'with-port', { ...SSH_KEY, sshPort: 2222 });
    const withoutPort = await insertRow(store, 'without-port', SSH_KEY);
    // The key's name inside a value is not the key: that row keeps its JSON as it was.
    const nameInValue = await insertRow(store, 'name-in-value', { ...SSH_KEY, publicKey: 'ssh-ed25519 AAAA "sshPort"' });
    const before = {
      withoutPort: (await readRow(store, withoutPort)).credential_public,
      nameInValue: (await readRow(store, nameInValue)).credential_public,
    };

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const moved = await readRow(store, withPort);
    expect(moved.ssh_port).toBe(2222);
    expect(JSON.parse(moved.credential_public as string)).toEqual(SSH_KEY);
    expect(await readRow(store, withoutPort)).toMatchObject({ ssh_port: null, credential_public: before.withoutPort });
    expect(await readRow(store, nameInValue)).toMatchObject({ ssh_port: null, credential_public: before.nameInValue });
    // Moving the port is no edit: the version stays.
    expect(moved.version).toBe(1);
    expect(await getConnection(store.db, { workspaceId: DEFAULT_WORKSPACE_ID, id: withPort })).toMatchObject({ sshPort: 2222, credentialPublic: SSH_KEY });

    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const restored = await readRow(store, withPort);
    expect(restored).not.toHaveProperty('ssh_port');
    expect(JSON.parse(restored.credential_public as string)).toEqual({ ...SSH_KEY, sshPort: 2222 });
    expect(await readRow(store, withoutPort)).toMatchObject({ credential_public: before.withoutPort });
    expect(await readRow(store, nameInValue)).toMatchObject({ credential_public: before.nameInValue });
  });
});
