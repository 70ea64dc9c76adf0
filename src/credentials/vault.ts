// Encrypts secrets at rest with AES-256-GCM. Each value gets a fresh 96-bit nonce, and the key id plus the value's
// owner and purpose are bound as additional authenticated data: a ciphertext copied onto another row, or altered by
// a single bit, fails to decrypt instead of yielding some other secret.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { AzdoError } from '../errors/azdo-error.js';
import type { Database } from '../store/database.js';
import type { StoreDialect } from '../store/open-store.js';
import {
  listAllSecrets,
  replaceEncryption,
  type EncryptedSecret,
  type SecretOwner,
} from '../store/secrets-repo.js';

export const SECRET_KEY_ENV = 'AZDO_CONNECT_SECRET_KEY';
export const SECRET_KEY_FILE_NAME = 'secret.key';
/** A rotation's new key until it replaces the key file; open() reads any left by a crash as extra keys. */
const PENDING_KEY_PREFIX = 'secret.key.pending-';

export const SECRET_KEY_INVALID = 'AZDO_SECRET_KEY_INVALID';
export const SECRET_KEY_FILE_PERMISSIONS = 'AZDO_SECRET_KEY_FILE_PERMISSIONS';
export const SECRET_KEY_MISMATCH = 'AZDO_SECRET_KEY_MISMATCH';
export const SECRET_DECRYPT_FAILED = 'AZDO_SECRET_DECRYPT_FAILED';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const GENERATE_HINT = 'Generate one with: openssl rand -base64 32';

export type KeySource = 'env' | 'file' | 'memory';

export interface RotateKeyResult {
  /** How many secrets were re-encrypted. */
  reencrypted: number;
  keyId: string;
  /**
   * The new key (base64), only when the key did not come from the key file: nothing else holds it, so show it to
   * the user exactly once.
   */
  newKey?: string;
  /** What the user must do next, in their words. */
  nextStep: string;
}

/** A fresh key, base64: the form AZDO_CONNECT_SECRET_KEY and the key file hold. */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** Reads a base64 (or base64url) 32-byte key. `where` names its origin for the error; the value is never echoed. */
export function parseSecretKey(text: string, where: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) ? Buffer.from(compact, 'base64') : Buffer.alloc(0);
  const roundTrip = key.toString('base64url');
  if (key.length !== KEY_BYTES || roundTrip !== compact.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')) {
    throw new AzdoError(SECRET_KEY_INVALID, `${where} is not a base64-encoded 32-byte key.`, GENERATE_HINT, { where });
  }
  return key;
}

/** A hash of the key, safe to store and show: it tells keys apart without revealing them. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('azdo-connect key id\0').update(key).digest('hex').slice(0, 16);
}

function aadOf(keyId: string, owner: SecretOwner): Buffer {
  // A JSON array, so no owner id or purpose can forge a boundary between fields.
  return Buffer.from(JSON.stringify(['azdo-connect/secret/v1', keyId, owner.ownerType, owner.ownerId, owner.purpose]));
}

function decryptFailed(owner: SecretOwner): AzdoError {
  return new AzdoError(
    SECRET_DECRYPT_FAILED,
    `A stored secret (${owner.ownerType} ${owner.purpose}) could not be decrypted: it was altered or moved.`,
    'Enter that secret again (edit the connection); if many fail, restore the database from a backup.',
    { ownerType: owner.ownerType, ownerId: owner.ownerId, purpose: owner.purpose },
  );
}

export class Vault {
  #key: Buffer;
  #keyId: string;
  /** Keys that may decrypt but never encrypt: the new key of a rotation that stopped before its rename. */
  #extraKeys: Map<string, Buffer>;
  readonly #source: KeySource;
  readonly #dataDir: string | undefined;

  private constructor(key: Buffer, source: KeySource, dataDir?: string, extraKeys: Buffer[] = []) {
    this.#key = key;
    this.#keyId = keyIdOf(key);
    this.#source = source;
    this.#dataDir = dataDir;
    this.#extraKeys = new Map(extraKeys.map((k) => [keyIdOf(k), k]));
  }

  /**
   * The key from AZDO_CONNECT_SECRET_KEY if set, otherwise from `${dataDir}/secret.key`, created (mode 0600) on
   * first use. A key file others can read is refused rather than used.
   */
  static async open(options: { dataDir: string; env?: NodeJS.ProcessEnv }): Promise<Vault> {
    const fromEnv = (options.env ?? process.env)[SECRET_KEY_ENV]?.trim();
    if (fromEnv) return new Vault(parseSecretKey(fromEnv, SECRET_KEY_ENV), 'env');
    const path = join(options.dataDir, SECRET_KEY_FILE_NAME);
    const key = (await readKeyFile(path)) ?? (await createKeyFile(options.dataDir, path));
    const pending: Buffer[] = [];
    for (const file of await pendingKeyFiles(options.dataDir)) {
      const extra = await readKeyFile(file);
      if (extra) pending.push(extra);
    }
    return new Vault(key, 'file', options.dataDir, pending);
  }

  /** A vault over a key held by the caller (base64 or raw bytes); rotation then hands the new key back. */
  static fromKey(key: string | Buffer): Vault {
    return new Vault(typeof key === 'string' ? parseSecretKey(key, 'The key') : checkedKey(key), 'memory');
  }

  get keyId(): string {
    return this.#keyId;
  }

  get keySource(): KeySource {
    return this.#source;
  }

  /**
   * A 32-byte key for one purpose (e.g. 'csrf'), derived from the vault's key with HKDF-SHA256: the same on every
   * instance sharing the key and across restarts, unrelated between purposes, and never the key itself.
   * A key rotation changes it too.
   */
  deriveKey(purpose: string): Buffer {
    if (purpose.length === 0) throw new Error('deriveKey needs a purpose');
    return Buffer.from(hkdfSync('sha256', this.#key, 'azdo-connect/derived-key/v1', purpose, KEY_BYTES));
  }

  encrypt(plaintext: string, owner: SecretOwner): EncryptedSecret {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadOf(this.#keyId, owner));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.#keyId,
      nonce: nonce.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  decrypt(record: EncryptedSecret, owner: SecretOwner): string {
    const key = record.keyId === this.#keyId ? this.#key : this.#extraKeys.get(record.keyId);
    if (!key) {
      throw new AzdoError(
        SECRET_KEY_MISMATCH,
        `A stored secret was encrypted with another key (key id ${record.keyId}) than the current one (key id ${this.#keyId}).`,
        `Use the key this data was written with: set ${SECRET_KEY_ENV} to it, or put its ${SECRET_KEY_FILE_NAME} back in the data directory.`,
        { keyId: record.keyId, currentKeyId: this.#keyId },
      );
    }
    const nonce = Buffer.from(record.nonce, 'base64');
    const tag = Buffer.from(record.tag, 'base64');
    if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw decryptFailed(owner);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(aadOf(record.keyId, owner));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(record.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw decryptFailed(owner);
    }
  }

  /**
   * Re-encrypts every secret under a new key in one transaction. With a key file, the new key is first written to a
   * pending file (0600), the transaction commits, then the pending file is renamed over the key file: a failure
   * before the commit changes nothing, and a crash after it leaves the new key where open() finds it.
   * With a key from the environment nothing is written: the result carries the new key for the user to set.
   */
  async rotateKey(
    store: { db: Kysely<Database>; dialect: StoreDialect },
    newKey: Buffer = randomBytes(KEY_BYTES),
  ): Promise<RotateKeyResult> {
    const key = checkedKey(newKey);
    if (key.equals(this.#key)) {
      throw new AzdoError(SECRET_KEY_INVALID, 'The new key is the same as the current one.', GENERATE_HINT);
    }
    const next = new Vault(key, this.#source);
    const pendingPath =
      this.#dataDir === undefined
        ? undefined
        : join(this.#dataDir, `${PENDING_KEY_PREFIX}${randomBytes(6).toString('hex')}`);
    let count: number;
    try {
      // Its own transaction, never a caller's: the key file may only move once the data is committed.
      count = await store.db.transaction().execute(async (trx) => {
        // Writers elsewhere would otherwise add secrets under the old key meanwhile. On SQLite the first update
        // takes the write lock; a writer that got in first makes the rotation fail, changing nothing.
        if (store.dialect === 'postgres') await sql`lock table ${sql.table('secrets')} in exclusive mode`.execute(trx);
        const secrets = await listAllSecrets(trx);
        for (const secret of secrets) {
          await replaceEncryption(trx, secret.id, next.encrypt(this.decrypt(secret, secret), secret));
        }
        if (pendingPath !== undefined) await writeNewKeyFile(pendingPath, key);
        return secrets.length;
      });
    } catch (error) {
      if (pendingPath !== undefined) await unlink(pendingPath).catch(() => undefined);
      throw error;
    }
    // Committed: from here on the data needs the new key, so this process switches to it whatever happens next.
    this.#key = key;
    this.#keyId = next.#keyId;
    if (pendingPath !== undefined && this.#dataDir !== undefined) {
      await rename(pendingPath, join(this.#dataDir, SECRET_KEY_FILE_NAME));
      // Keys of earlier interrupted rotations: every secret is now under the new key.
      for (const path of await pendingKeyFiles(this.#dataDir)) await unlink(path).catch(() => undefined);
      this.#extraKeys.clear();
      return { reencrypted: count, keyId: this.#keyId, nextStep: 'The key file was replaced; nothing else to do.' };
    }
    return {
      reencrypted: count,
      keyId: this.#keyId,
      newKey: key.toString('base64'),
      nextStep:
        this.#source === 'env'
          ? `Set ${SECRET_KEY_ENV} to the new key everywhere this store is used, and restart those processes: until then they cannot read the secrets.`
          : 'Keep the new key: the secrets can only be read with it.',
    };
  }
}

function checkedKey(key: Buffer): Buffer {
  if (key.length !== KEY_BYTES) {
    throw new AzdoError(SECRET_KEY_INVALID, 'The key is not 32 bytes long.', GENERATE_HINT);
  }
  return Buffer.from(key);
}

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Windows has no POSIX modes to check; its ACLs are the user's profile directory's.
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new AzdoError(
      SECRET_KEY_FILE_PERMISSIONS,
      `The secret key file ${path} can be read by other users (mode ${(info.mode & 0o777).toString(8)}), so it is not used.`,
      `Make it private with: chmod 600 ${path}`,
      { path },
    );
  }
  return parseSecretKey(await readFile(path, 'utf8'), `The key file ${path}`);
}

/** A new key file, or the one another process created at the same moment (the link below cannot overwrite). */
async function createKeyFile(dataDir: string, path: string): Promise<Buffer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeNewKeyFile(temp, key);
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = await readKeyFile(path);
    if (existing) return existing;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return key;
}

async function pendingKeyFiles(dataDir: string): Promise<string[]> {
  const names = await readdir(dataDir).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(PENDING_KEY_PREFIX)).map((n) => join(dataDir, n));
}

/** A complete, synced key file with mode 0600, at a path that must not exist yet. */
async function writeNewKeyFile(path: string, key: Buffer): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.chmod(0o600); // the umask can only narrow the mode, but be explicit against odd filesystems
    await handle.writeFile(`${key.toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
