// The connection service over real stores (SQLite and PostgreSQL) and the real vault: what is saved, what an edit
// keeps, and that a failed add or edit leaves the store exactly as it was.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionService } from '../../src/connections/connection-service.js';
import type { ConnectionInput } from '../../src/connections/connection-input.js';
import { Vault } from '../../src/credentials/vault.js';
import type { Store } from '../../src/store/open-store.js';
import { DIALECTS, testStores } from '../store/test-stores.js';
import { rejection } from '../helpers/rejection.js';

const exec = promisify(execFile);
const stores = testStores();
let keys: string;
let encryptedKey: string;
let plainKey: string;
let ed25519Key: string;
let caBundle: string;
const PASSPHRASE = 'correct horse battery staple';
const PAT = 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst';
const OTHER_PAT = 'zyxwvutsrqponmlkjihgfedcba765432zyxwvutsrqponmlkjihg';

beforeAll(async () => {
  keys = await mkdtemp(path.join(os.tmpdir(), 'azdo-service-keys-'));
  const make = async (name: string, args: string[]) => {
    await exec('ssh-keygen', ['-q', ...args, '-C', name, '-f', path.join(keys, name)]);
    return readFile(path.join(keys, name), 'utf8');
  };
  encryptedKey = await make('enc', ['-t', 'rsa', '-b', '2048', '-N', PASSPHRASE]);
  plainKey = await make('plain', ['-t', 'rsa', '-b', '2048', '-N', '']);
  ed25519Key = await make('ed', ['-t', 'ed25519', '-N', '']);
  await exec('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(keys, 'ca.key'), '-out', path.join(keys, 'ca.pem'), '-subj', '/CN=Test CA', '-days', '2']);
  caBundle = await readFile(path.join(keys, 'ca.pem'), 'utf8');
});

afterAll(async () => {
  await stores.cleanup();
  await rm(keys, { recursive: true, force: true, maxRetries: 5 });
});

async function rows(store: Store): Promise<string> {
  const connections = await store.db.selectFrom('connections').selectAll().orderBy('id').execute();
  const secrets = await store.db.selectFrom('secrets').selectAll().orderBy('id').execute();
  return JSON.stringify({ connections, secrets });
}


function pat(name: string, overrides: Partial<ConnectionInput> = {}): ConnectionInput {
  return { name, url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: PAT }, ...overrides };
}

for (const dialect of DIALECTS) {
  describe(`the connection service on ${dialect}`, () => {
    let store: Store;
    let service: ConnectionService;

    beforeAll(async () => {
      const opened = await stores.open(dialect);
      store = opened;
      service = new ConnectionService({ store, vault: await Vault.open({ dataDir: opened.dataDir, env: {} }) });
    });

    it('keeps only the organization of any Azure DevOps URL pasted, and the secrets only in the vault', async () => {
      const view = await service.addConnection({
        name: 'fabrikam',
        description: ' The main organization ',
        labels: ['prod', 'Prod', ' team-a '],
        url: 'https://fabrikam.visualstudio.com/Fiber/_git/web/pullrequest/42',
        credential: { type: 'pat', token: `  ${PAT}\n`, expiresAt: '2027-03-14' },
        customHeaders: [
          { name: 'X-Tenant', value: 'blue', secret: false },
          { name: 'CF-Access-Client-Secret', value: 'cf-secret-value', secret: true },
        ],
      });
      expect(view).toMatchObject({
        name: 'fabrikam',
        description: 'The main organization',
        labels: ['prod', 'team-a'],
        kind: 'services',
        url: 'https://fabrikam.visualstudio.com',
        credential: { type: 'pat', expiresAt: '2027-03-14T00:00:00.000Z' },
        customHeaders: [
          { name: 'X-Tenant', secret: false, value: 'blue' },
          { name: 'CF-Access-Client-Secret', secret: true },
        ],
        status: { credentialExpiresAt: '2027-03-14T00:00:00.000Z' },
        version: 1,
      });
      expect(JSON.stringify(view)).not.toContain(PAT);
      expect(JSON.stringify(view)).not.toContain('cf-secret-value');
      expect(JSON.stringify(await service.listAllConnections())).not.toContain(PAT);

      const full = await service.getConnection('FABRIKAM');
      expect(full.credential).toEqual({ type: 'pat', token: PAT, expiresAt: '2027-03-14T00:00:00.000Z' });
      expect(full.customHeaders).toEqual([
        { name: 'X-Tenant', value: 'blue', secret: false },
        { name: 'CF-Access-Client-Secret', value: 'cf-secret-value', secret: true },
      ]);
      expect(await service.getConnection(view.id)).toEqual(full);
      expect((await service.findConnectionsByUrl('https://dev.azure.com/Fabrikam/Fiber')).map((c) => c.name)).toEqual(['fabrikam']);
    });

    it('stores an SSH key unlocked and never its passphrase, with the expiry a year after registration', async () => {
      const view = await service.addConnection({
        name: 'ssh-server',
        url: 'https://tfs.example.com:8443/tfs/DefaultCollection/Fiber/_git/web',
        credential: { type: 'ssh', privateKey: encryptedKey.replace(/\n/g, '\r\n'), passphrase: PASSPHRASE, registeredAt: '2026-03-14' },
        tls: { caBundle },
        ssh: { port: 2222, knownHosts: '[tfs.example.com]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7\n# a comment\n' },
      });
      expect(view).toMatchObject({
        kind: 'server',
        url: 'https://tfs.example.com:8443/tfs/DefaultCollection',
        credential: { type: 'ssh', registeredAt: '2026-03-14T00:00:00.000Z', expiresAt: '2027-03-14T00:00:00.000Z' },
        ssh: { port: 2222, knownHosts: '[tfs.example.com]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7' },
      });
      expect(view.tls.caBundle).toContain('-----BEGIN CERTIFICATE-----');
      const full = await service.getConnection('ssh-server');
      expect(full.credential.type === 'ssh' && full.credential.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
      expect(full.ssh.port).toBe(2222);
      const { stdout } = await exec('ssh-keygen', ['-l', '-f', path.join(keys, 'enc.pub')]);
      expect(view.credential.type === 'ssh' && view.credential.fingerprint).toBe(stdout.split(' ')[1]);
      expect(await rows(store)).not.toContain(PASSPHRASE);
    });

    it('stores a service principal for a Services organization', async () => {
      const view = await service.addConnection({
        name: 'sp',
        url: 'https://dev.azure.com/fabrikam',
        credential: { type: 'servicePrincipal', tenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47', clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 'sp-secret-value' },
      });
      expect(view.credential).toEqual({ type: 'servicePrincipal', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '11111111-2222-3333-4444-555555555555' });
      expect((await service.getConnection('sp')).credential).toMatchObject({ clientSecret: 'sp-secret-value' });
    });

    describe('a failed add leaves the store as it was and names the field', () => {
      const cases: Array<[string, () => ConnectionInput, string, string]> = [
        ['a bad URL', () => pat('x', { url: 'https://' }), 'AZDO_URL_INVALID', 'url'],
        ['a GitHub URL', () => pat('x', { url: 'https://github.com/fabrikam/web' }), 'AZDO_URL_UNSUPPORTED', 'url'],
        ['a name already taken, in another case', () => pat('FABRIKAM'), 'AZDO_CONNECTION_NAME_TAKEN', 'name'],
        ['a PAT with spaces inside', () => pat('x', { credential: { type: 'pat', token: 'abc def' } }), 'AZDO_PAT_INVALID', 'credential.token'],
        ['a PAT expiry that is not a date', () => pat('x', { credential: { type: 'pat', token: PAT, expiresAt: 'soon' } }), 'AZDO_CONNECTION_INVALID', 'credential.expiresAt'],
        ['an Ed25519 key', () => pat('x', { credential: { type: 'ssh', privateKey: ed25519Key } }), 'AZDO_SSH_KEY_NOT_RSA', 'credential.privateKey'],
        ['a public key as the private key', () => pat('x', { credential: { type: 'ssh', privateKey: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 me' } }), 'AZDO_SSH_KEY_IS_PUBLIC', 'credential.privateKey'],
        ['a wrong passphrase', () => pat('x', { credential: { type: 'ssh', privateKey: encryptedKey, passphrase: 'wrong' } }), 'AZDO_SSH_KEY_PASSPHRASE_WRONG', 'credential.passphrase'],
        ['a service principal on a Server URL', () => pat('x', { url: 'https://tfs.example.com/tfs/DefaultCollection', credential: { type: 'servicePrincipal', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 's3cret' } }), 'AZDO_SP_SERVER_UNSUPPORTED', 'credential'],
        ['a client id that is not a GUID', () => pat('x', { credential: { type: 'servicePrincipal', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: 'my-app', clientSecret: 's3cret' } }), 'AZDO_SP_INPUT_INVALID', 'credential.clientId'],
        ['a header spanning lines', () => pat('x', { customHeaders: [{ name: 'X-A', value: 'a\nb', secret: false }] }), 'AZDO_HEADER_INVALID', 'customHeaders.X-A'],
        ['the same header twice', () => pat('x', { customHeaders: [{ name: 'X-A', value: 'a', secret: false }, { name: 'x-a', value: 'b', secret: true }] }), 'AZDO_HEADER_INVALID', 'customHeaders.x-a'],
        ['an SSH port for Services', () => pat('x', { ssh: { port: 22 } }), 'AZDO_CONNECTION_INVALID', 'ssh.port'],
        ['an SSH port out of range', () => pat('x', { url: 'https://tfs.example.com/DefaultCollection', ssh: { port: 70000 } }), 'AZDO_CONNECTION_INVALID', 'ssh.port'],
        ['known hosts that are not', () => pat('x', { url: 'https://tfs.example.com/DefaultCollection', ssh: { knownHosts: 'hello world' } }), 'AZDO_CONNECTION_INVALID', 'ssh.knownHosts'],
        ['a CA bundle without a certificate', () => pat('x', { url: 'https://tfs.example.com/DefaultCollection', tls: { caBundle: 'nope' } }), 'AZDO_TLS_CA_INVALID', 'tls.caBundle'],
        ['a name with a line break', () => pat('a\nb'), 'AZDO_CONNECTION_INVALID', 'name'],
        ['no credential', () => ({ name: 'x', url: 'https://dev.azure.com/fabrikam' }), 'AZDO_CONNECTION_INVALID', 'credential'],
      ];
      for (const [what, input, code, field] of cases) {
        it(what, async () => {
          const before = await rows(store);
          const error = await rejection(service.addConnection(input()));
          expect(error.code).toBe(code);
          expect(error.details?.field).toBe(field);
          expect(await rows(store)).toBe(before);
        });
      }

      it('several problems at once, each with its field', async () => {
        const before = await rows(store);
        const error = await rejection(service.addConnection({ name: '', url: 'https://gitlab.com/a/b', credential: { type: 'pat', token: '' } }));
        expect(error.code).toBe('AZDO_CONNECTION_INVALID');
        expect((error.details?.fields as Array<{ field: string }>).map((f) => f.field)).toEqual(['name', 'url', 'credential.token']);
        expect(await rows(store)).toBe(before);
      });

      it('a hook that fails before the write', async () => {
        const before = await rows(store);
        await expect(service.addConnection(pat('hooked'), { beforeSave: () => Promise.reject(new Error('disk full')) })).rejects.toThrow('disk full');
        expect(await rows(store)).toBe(before);
      });
    });

    describe('edit', () => {
      it('keeps what the changes leave out, secrets included', async () => {
        const before = await service.getConnection('fabrikam');
        const view = await service.editConnection('fabrikam', { description: 'Renamed', name: 'fabrikam-prod' });
        expect(view.version).toBe(before.version + 1);
        const after = await service.getConnection('fabrikam-prod');
        expect(after).toMatchObject({ description: 'Renamed', credential: before.credential, customHeaders: before.customHeaders, labels: before.labels });
      });

      it('changes a PAT expiry without the token, and a header set without repeating a secret value', async () => {
        await service.editConnection('fabrikam-prod', {
          credential: { type: 'pat', expiresAt: null },
          customHeaders: [{ name: 'CF-Access-Client-Secret', secret: true }, { name: 'CF-Access-Client-Id', value: 'id-1', secret: false }],
        });
        const after = await service.getConnection('fabrikam-prod');
        expect(after.credential).toEqual({ type: 'pat', token: PAT });
        expect(after.status.credentialExpiresAt).toBeUndefined();
        expect(after.customHeaders).toEqual([
          { name: 'CF-Access-Client-Secret', value: 'cf-secret-value', secret: true },
          { name: 'CF-Access-Client-Id', value: 'id-1', secret: false },
        ]);
      });

      it('replaces the credential and forgets removed secret headers', async () => {
        const { id } = await service.describeConnection('fabrikam-prod');
        await service.editConnection(id, { credential: { type: 'ssh', privateKey: plainKey }, customHeaders: [] });
        const after = await service.getConnection(id);
        expect(after.credential.type).toBe('ssh');
        const secrets = await store.db.selectFrom('secrets').select('purpose').where('owner_id', '=', id).execute();
        expect(secrets.map((s) => s.purpose)).toEqual(['credential']);
        await service.editConnection(id, { credential: { type: 'pat', token: OTHER_PAT } });
        expect((await service.getConnection(id)).credential).toEqual({ type: 'pat', token: OTHER_PAT });
      });

      it('a failed edit leaves the store as it was and names the field', async () => {
        const before = await rows(store);
        const cases: Array<[Parameters<ConnectionService['editConnection']>[1], string, string]> = [
          [{ url: 'https://bitbucket.org/a/b', description: 'ignored' }, 'AZDO_URL_UNSUPPORTED', 'url'],
          [{ name: 'SSH-Server' }, 'AZDO_CONNECTION_NAME_TAKEN', 'name'],
          [{ url: 'https://tfs.example.com/DefaultCollection' }, 'AZDO_SP_SERVER_UNSUPPORTED', 'credential'],
          [{ customHeaders: [{ name: 'X-New-Secret', secret: true }] }, 'AZDO_HEADER_INVALID', 'customHeaders.X-New-Secret'],
          [{ credential: { type: 'servicePrincipal', clientSecret: '' } }, 'AZDO_SP_INPUT_INVALID', 'credential.clientSecret'],
        ];
        for (const [changes, code, field] of cases) {
          const error = await rejection(service.editConnection('sp', changes));
          expect([error.code, error.details?.field]).toEqual([code, field]);
        }
        expect(await rows(store)).toBe(before);
      });

      it('refuses a change made against an older version', async () => {
        const before = await rows(store);
        const { version } = await service.describeConnection('sp');
        const error = await rejection(service.editConnection('sp', { description: 'late' }, { expectedVersion: version - 1 }));
        expect(error.code).toBe('AZDO_STORE_CONFLICT');
        expect(await rows(store)).toBe(before);
      });

      it('says which connection does not exist', async () => {
        const error = await rejection(service.editConnection('nobody', { description: 'x' }));
        expect(error.code).toBe('AZDO_CONNECTION_NOT_FOUND');
        expect(error.message).toContain('"nobody"');
      });
    });

    it('removes a connection with its secrets', async () => {
      const { id } = await service.describeConnection('sp');
      const removed = await service.removeConnection('sp');
      expect(removed.id).toBe(id);
      expect(await store.db.selectFrom('secrets').selectAll().where('owner_id', '=', id).execute()).toEqual([]);
      expect((await rejection(service.describeConnection('sp'))).code).toBe('AZDO_CONNECTION_NOT_FOUND');
    });

    it('re-encrypts every secret under a new key, and everything still decrypts', async () => {
      const before = await Promise.all((await service.listAllConnections()).map((c) => service.getConnection(c.id)));
      const oldKeyIds = new Set((await store.db.selectFrom('secrets').select('key_id').execute()).map((r) => r.key_id));
      const result = await service.rotateKey();
      expect(result.reencrypted).toBeGreaterThan(0);
      const newKeyIds = new Set((await store.db.selectFrom('secrets').select('key_id').execute()).map((r) => r.key_id));
      expect([...newKeyIds]).toEqual([result.keyId]);
      expect(oldKeyIds.has(result.keyId)).toBe(false);
      const after = await Promise.all(before.map((c) => service.getConnection(c.id)));
      expect(after).toEqual(before);
    });
  });
}
