// Secrets must never reach the disk in plain text: store real connections through the vault, then read every byte
// of the SQLite data directory (database, WAL, shared memory) looking for them in the forms they could take.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAzureUrl } from '../../src/azure/urls.js';
import { SECRET_KEY_FILE_NAME, Vault } from '../../src/credentials/vault.js';
import { newId } from '../../src/store/columns.js';
import { insertConnection, updateConnection } from '../../src/store/connections-repo.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/store/default-workspace.js';
import { CONNECTION_OWNER, getSecret, type NewSecret } from '../../src/store/secrets-repo.js';
import { testStores } from './test-stores.js';

const stores = testStores();
afterAll(() => stores.cleanup());

const SECRETS = [
  'PAT-SECRET-123',
  'PAT-SECRET-456-after-edit',
  'CF-ACCESS-SECRET-789',
  'SP-CLIENT-SECRET-abc',
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-PRIVATE-KEY-BODY\n-----END OPENSSH PRIVATE KEY-----',
];

/** The byte patterns a leaked secret could take: UTF-8, UTF-16 (SQLite's other text encoding), base64, hex. */
function forms(secret: string): Buffer[] {
  const utf8 = Buffer.from(secret, 'utf8');
  return [utf8, Buffer.from(secret, 'utf16le'), Buffer.from(utf8.toString('base64')), Buffer.from(utf8.toString('hex'))];
}

async function filesToScan(dataDir: string): Promise<string[]> {
  return (await readdir(dataDir)).filter((f) => f !== SECRET_KEY_FILE_NAME).map((f) => join(dataDir, f));
}

async function leaks(dataDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesToScan(dataDir)) {
    const bytes = await readFile(file);
    for (const secret of SECRETS) {
      if (forms(secret).some((form) => bytes.includes(form))) found.push(`${file}: ${secret.slice(0, 12)}...`);
    }
  }
  return found;
}

describe('the SQLite data directory', () => {
  it('holds no secret in plain text, while open (with WAL) and after closing', async () => {
    const store = await stores.open('sqlite');
    const vault = await Vault.open({ dataDir: store.dataDir, env: {} });
    const [pat, patAfterEdit, headerValue, clientSecret, privateKey] = SECRETS as [string, string, string, string, string];
    const seal = (ownerId: string, purpose: string, value: string): NewSecret => ({
      purpose,
      ...vault.encrypt(value, { ownerType: CONNECTION_OWNER, ownerId, purpose }),
    });

    const services = newId();
    await insertConnection(
      store.db,
      {
        id: services,
        workspaceId: DEFAULT_WORKSPACE_ID,
        name: 'Fabrikam',
        description: 'Services with a PAT',
        labels: [],
        deployment: parseAzureUrl('https://dev.azure.com/fabrikam').deployment,
        credentialType: 'pat',
        credentialPublic: { expiresAt: '2027-01-01T00:00:00.000Z' },
        customHeaders: [],
        tlsCa: null,
        sshKnownHosts: null,
        sshPort: null,
      },
      [seal(services, 'credential', pat)],
    );
    const server = newId();
    await insertConnection(
      store.db,
      {
        id: server,
        workspaceId: DEFAULT_WORKSPACE_ID,
        name: 'Contoso TFS',
        description: 'Server behind Cloudflare Access, SSH key',
        labels: ['onprem'],
        deployment: parseAzureUrl('https://tfs.contoso.local/tfs/DefaultCollection').deployment,
        credentialType: 'ssh',
        credentialPublic: { fingerprint: 'SHA256:abc', publicKey: 'ssh-ed25519 AAAAC3Nz test' },
        customHeaders: [
          { name: 'CF-Access-Client-Id', secret: false, value: 'client-id.access' },
          { name: 'CF-Access-Client-Secret', secret: true },
        ],
        tlsCa: null,
        sshKnownHosts: 'tfs.contoso.local ssh-ed25519 AAAAC3Nz',
        sshPort: null,
      },
      [seal(server, 'credential', privateKey), seal(server, 'header:cf-access-client-secret', headerValue)],
    );
    const principal = newId();
    await insertConnection(
      store.db,
      {
        id: principal,
        workspaceId: DEFAULT_WORKSPACE_ID,
        name: 'Northwind',
        description: 'Service principal',
        labels: [],
        deployment: parseAzureUrl('https://northwind.visualstudio.com').deployment,
        credentialType: 'servicePrincipal',
        credentialPublic: { tenantId: newId(), clientId: newId() },
        customHeaders: [],
        tlsCa: null,
        sshKnownHosts: null,
        sshPort: null,
      },
      [seal(principal, 'credential', clientSecret)],
    );
    // An edit replaces the PAT: the old value must not linger either.
    await updateConnection(store.db, {
      workspaceId: DEFAULT_WORKSPACE_ID,
      id: services,
      expectedVersion: 1,
      changes: { description: 'PAT renewed' },
      secrets: { put: [seal(services, 'credential', patAfterEdit)] },
    });

    // The secrets are really there, readable through the vault.
    const stored = await getSecret(store.db, { ownerType: CONNECTION_OWNER, ownerId: services, purpose: 'credential' });
    expect(stored && vault.decrypt(stored, stored)).toBe(patAfterEdit);

    const openFiles = (await readdir(store.dataDir)).sort();
    expect(openFiles).toEqual(expect.arrayContaining(['azdo-connect.db', 'azdo-connect.db-wal', 'azdo-connect.db-shm']));
    expect(await leaks(store.dataDir)).toEqual([]);

    expect((await stat(join(store.dataDir, SECRET_KEY_FILE_NAME))).mode & 0o777).toBe(0o600);

    await store.close();
    expect(await leaks(store.dataDir)).toEqual([]);
  });
});
