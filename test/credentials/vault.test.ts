import { randomBytes } from 'node:crypto';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SECRET_KEY_ENV,
  SECRET_KEY_FILE_NAME,
  Vault,
  generateSecretKey,
  parseSecretKey,
} from '../../src/credentials/vault.js';
import { AzdoError } from '../../src/errors/azdo-error.js';
import { newId } from '../../src/store/columns.js';
import type { Store } from '../../src/store/open-store.js';
import {
  CONNECTION_OWNER,
  insertSecrets,
  listAllSecrets,
  replaceEncryption,
  type SecretOwner,
} from '../../src/store/secrets-repo.js';
import { DIALECTS, testStores } from '../store/test-stores.js';
import { rejection } from '../helpers/rejection.js';

const stores = testStores();
afterAll(() => stores.cleanup());

const owner: SecretOwner = { ownerType: CONNECTION_OWNER, ownerId: 'c-1', purpose: 'credential' };

function catchAzdo(action: () => unknown): AzdoError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AzdoError);
    return error as AzdoError;
  }
  throw new Error('expected an AzdoError');
}


function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

function fileMode(info: { mode: number }): number {
  return info.mode & 0o777;
}

describe('Vault encryption', () => {
  const vault = Vault.fromKey(generateSecretKey());

  it('decrypts what it encrypted, including non-ASCII text and an empty value', () => {
    for (const plaintext of ['PAT-SECRET-123', 'pässwörd 🔑', '', 'x'.repeat(10_000)]) {
      expect(vault.decrypt(vault.encrypt(plaintext, owner), owner)).toBe(plaintext);
    }
  });

  it('uses a fresh nonce each time, so equal secrets do not look equal', () => {
    const a = vault.encrypt('same', owner);
    const b = vault.encrypt('same', owner);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64')).toHaveLength(16);
    expect(a.keyId).toBe(vault.keyId);
  });

  it('detects a flipped byte in the ciphertext, the tag or the nonce, without echoing the secret', () => {
    const record = vault.encrypt('PAT-SECRET-123', owner);
    for (const field of ['ciphertext', 'tag', 'nonce'] as const) {
      const error = catchAzdo(() => vault.decrypt({ ...record, [field]: flipFirstByte(record[field]) }, owner));
      expect(error.code).toBe('AZDO_SECRET_DECRYPT_FAILED');
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain('PAT-SECRET-123');
    }
  });

  it('refuses a ciphertext moved to another owner or purpose', () => {
    const record = vault.encrypt('PAT-SECRET-123', owner);
    for (const other of [
      { ...owner, ownerId: 'c-2' },
      { ...owner, purpose: 'header:authorization' },
      { ...owner, ownerType: 'workspace' },
    ]) {
      expect(catchAzdo(() => vault.decrypt(record, other)).code).toBe('AZDO_SECRET_DECRYPT_FAILED');
    }
  });

  it('refuses a truncated nonce or tag', () => {
    const record = vault.encrypt('x', owner);
    expect(catchAzdo(() => vault.decrypt({ ...record, nonce: 'AAAA' }, owner)).code).toBe('AZDO_SECRET_DECRYPT_FAILED');
    expect(catchAzdo(() => vault.decrypt({ ...record, tag: 'AAAA' }, owner)).code).toBe('AZDO_SECRET_DECRYPT_FAILED');
  });

  it('tells a secret written under another key apart from a damaged one', () => {
    const other = Vault.fromKey(generateSecretKey());
    const record = other.encrypt('x', owner);
    const error = catchAzdo(() => vault.decrypt(record, owner));
    expect(error.code).toBe('AZDO_SECRET_KEY_MISMATCH');
    expect(error.message).toContain(other.keyId);
    // A forged key id does not help: the key id is authenticated too.
    expect(catchAzdo(() => vault.decrypt({ ...record, keyId: vault.keyId }, owner)).code).toBe('AZDO_SECRET_DECRYPT_FAILED');
  });
});

describe('secret keys', () => {
  it('takes the key from AZDO_CONNECT_SECRET_KEY and writes no key file', async () => {
    const dataDir = await stores.newDataDir();
    const key = generateSecretKey();
    const vault = await Vault.open({ dataDir, env: { [SECRET_KEY_ENV]: key } });
    expect(vault.keySource).toBe('env');
    expect(vault.keyId).toBe(Vault.fromKey(key).keyId);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it.each([
    ['too short', Buffer.alloc(16, 1).toString('base64')],
    ['too long', Buffer.alloc(33, 1).toString('base64')],
    ['hex instead of base64', randomBytes(32).toString('hex')],
    ['not base64 at all', 'correct horse battery staple!!'],
  ])('refuses an env key that is %s, without repeating it', async (_, value) => {
    const error = await rejection(Vault.open({ dataDir: await stores.newDataDir(), env: { [SECRET_KEY_ENV]: value } }));
    expect(error.code).toBe('AZDO_SECRET_KEY_INVALID');
    expect(error.message).toContain(SECRET_KEY_ENV);
    expect(error.hint).toContain('openssl rand -base64 32');
    expect(JSON.stringify({ ...error, message: error.message, hint: error.hint })).not.toContain(value);
  });

  it('accepts the same key in base64url and with surrounding whitespace', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(`  ${key.toString('base64')}\n`, 'k')).toEqual(key);
    expect(parseSecretKey(key.toString('base64url'), 'k')).toEqual(key);
  });

  it('creates a key file with mode 0600 on first use and reuses it', async () => {
    const dataDir = join(await stores.newDataDir(), 'data');
    const first = await Vault.open({ dataDir, env: {} });
    const info = await stat(join(dataDir, SECRET_KEY_FILE_NAME));
    expect(fileMode(info)).toBe(0o600);
    expect(first.keySource).toBe('file');
    const second = await Vault.open({ dataDir, env: {} });
    expect(second.keyId).toBe(first.keyId);
    expect(second.decrypt(first.encrypt('x', owner), owner)).toBe('x');
    expect(await readdir(dataDir)).toEqual([SECRET_KEY_FILE_NAME]);
  });

  it('creates one key when several processes start at once', async () => {
    const dataDir = await stores.newDataDir();
    const vaults = await Promise.all(Array.from({ length: 8 }, () => Vault.open({ dataDir, env: {} })));
    expect(new Set(vaults.map((v) => v.keyId)).size).toBe(1);
    expect(await readdir(dataDir)).toEqual([SECRET_KEY_FILE_NAME]);
  });

  it('refuses a key file that group or others can read', async () => {
    const dataDir = await stores.newDataDir();
    await Vault.open({ dataDir, env: {} });
    const path = join(dataDir, SECRET_KEY_FILE_NAME);
    for (const mode of [0o644, 0o640, 0o604]) {
      await chmod(path, mode);
      const error = await rejection(Vault.open({ dataDir, env: {} }));
      expect(error.code).toBe('AZDO_SECRET_KEY_FILE_PERMISSIONS');
      expect(error.hint).toContain(`chmod 600 ${path}`);
    }
  });

  it('refuses a key file that holds no key', async () => {
    const dataDir = await stores.newDataDir();
    const path = join(dataDir, SECRET_KEY_FILE_NAME);
    await writeFile(path, 'not a key\n', { mode: 0o600 });
    const error = await rejection(Vault.open({ dataDir, env: {} }));
    expect(error.code).toBe('AZDO_SECRET_KEY_INVALID');
    expect(error.message).toContain(path);
  });
});

describe.each(DIALECTS)('key rotation on %s', (dialect) => {
  async function seed(store: Store, vault: Vault, count: number): Promise<Map<string, string>> {
    const plain = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      const ownerId = newId();
      const purposes = ['credential', 'header:cf-access-client-secret'];
      await insertSecrets(
        store.db,
        { ownerType: CONNECTION_OWNER, ownerId },
        purposes.map((purpose) => {
          const value = `SECRET-${i}-${purpose}`;
          plain.set(`${ownerId}/${purpose}`, value);
          return { purpose, ...vault.encrypt(value, { ownerType: CONNECTION_OWNER, ownerId, purpose }) };
        }),
      );
    }
    return plain;
  }

  async function readAll(store: Store, vault: Vault): Promise<Map<string, string>> {
    const rows = await listAllSecrets(store.db);
    return new Map(rows.map((r) => [`${r.ownerId}/${r.purpose}`, vault.decrypt(r, r)]));
  }

  it('re-encrypts every secret under a new key file; the old key no longer reads them', async () => {
    const store = await stores.open(dialect);
    const vault = await Vault.open({ dataDir: store.dataDir, env: {} });
    const oldKey = await readFile(join(store.dataDir, SECRET_KEY_FILE_NAME), 'utf8');
    const plain = await seed(store, vault, 5);

    const result = await vault.rotateKey(store);
    expect(result).toMatchObject({ reencrypted: 10, keyId: vault.keyId });
    expect(result.newKey).toBeUndefined();

    const keyPath = join(store.dataDir, SECRET_KEY_FILE_NAME);
    expect(await readFile(keyPath, 'utf8')).not.toBe(oldKey);
    expect(fileMode(await stat(keyPath))).toBe(0o600);
    expect((await readdir(store.dataDir)).filter((f) => f.startsWith('secret.key'))).toEqual([SECRET_KEY_FILE_NAME]);

    const reopened = await Vault.open({ dataDir: store.dataDir, env: {} });
    expect(reopened.keyId).toBe(vault.keyId);
    expect(await readAll(store, reopened)).toEqual(plain);
    expect(await readAll(store, vault)).toEqual(plain);

    const old = Vault.fromKey(oldKey);
    for (const row of await listAllSecrets(store.db)) {
      expect(row.keyId).toBe(vault.keyId);
      expect(catchAzdo(() => old.decrypt(row, row)).code).toBe('AZDO_SECRET_KEY_MISMATCH');
      expect(catchAzdo(() => old.decrypt({ ...row, keyId: old.keyId }, row)).code).toBe('AZDO_SECRET_DECRYPT_FAILED');
    }
  });

  it('with the key in the environment, writes nothing and hands the new key back once', async () => {
    const store = await stores.open(dialect);
    const before = await readdir(store.dataDir);
    const vault = await Vault.open({ dataDir: store.dataDir, env: { [SECRET_KEY_ENV]: generateSecretKey() } });
    const plain = await seed(store, vault, 3);
    const result = await vault.rotateKey(store);
    expect(result.reencrypted).toBe(6);
    expect(result.nextStep).toContain(SECRET_KEY_ENV);
    expect(await readdir(store.dataDir)).toEqual(before);
    const next = await Vault.open({ dataDir: store.dataDir, env: { [SECRET_KEY_ENV]: result.newKey ?? '' } });
    expect(await readAll(store, next)).toEqual(plain);
  });

  it('changes nothing when one secret cannot be decrypted midway', async () => {
    const store = await stores.open(dialect);
    const vault = await Vault.open({ dataDir: store.dataDir, env: {} });
    const keyBefore = await readFile(join(store.dataDir, SECRET_KEY_FILE_NAME), 'utf8');
    await seed(store, vault, 4);
    // The last row in rotation order, so every other row has been re-encrypted before the failure.
    const rows = await listAllSecrets(store.db);
    const last = rows[rows.length - 1]!;
    await replaceEncryption(store.db, last.id, { ...last, tag: flipFirstByte(last.tag) });
    const snapshot = await listAllSecrets(store.db);
    const filesBefore = await readdir(store.dataDir);

    const error = await rejection(vault.rotateKey(store));
    expect(error.code).toBe('AZDO_SECRET_DECRYPT_FAILED');
    expect(error.details).toMatchObject({ ownerId: last.ownerId, purpose: last.purpose });
    expect(await listAllSecrets(store.db)).toEqual(snapshot);
    expect(await readFile(join(store.dataDir, SECRET_KEY_FILE_NAME), 'utf8')).toBe(keyBefore);
    expect(await readdir(store.dataDir)).toEqual(filesBefore);
    expect(vault.keyId).toBe(snapshot[0]!.keyId);
    expect(vault.decrypt(snapshot[0]!, snapshot[0]!)).toMatch(/^SECRET-/);
  });

  it('reads secrets under the key of a rotation that stopped after its commit, and finishes on the next one', async () => {
    const store = await stores.open(dialect);
    const vault = await Vault.open({ dataDir: store.dataDir, env: {} });
    // What a crash between commit and rename leaves: data under the new key, the new key in a pending file.
    const newKey = randomBytes(32);
    const plain = await seed(store, Vault.fromKey(newKey), 2);
    await writeFile(join(store.dataDir, 'secret.key.pending-abc'), newKey.toString('base64'), { mode: 0o600 });

    const recovered = await Vault.open({ dataDir: store.dataDir, env: {} });
    expect(recovered.keyId).toBe(vault.keyId);
    expect(await readAll(store, recovered)).toEqual(plain);

    await recovered.rotateKey(store);
    expect((await readdir(store.dataDir)).filter((f) => f.startsWith('secret.key'))).toEqual([SECRET_KEY_FILE_NAME]);
    expect(await readAll(store, await Vault.open({ dataDir: store.dataDir, env: {} }))).toEqual(plain);
  });

  it('refuses a new key that is the current one or not 32 bytes', async () => {
    const store = await stores.open(dialect);
    const key = randomBytes(32);
    const vault = Vault.fromKey(key);
    expect((await rejection(vault.rotateKey(store, key))).code).toBe('AZDO_SECRET_KEY_INVALID');
    expect((await rejection(vault.rotateKey(store, randomBytes(16)))).code).toBe('AZDO_SECRET_KEY_INVALID');
  });
});
