// Rows of the `secrets` table. Only ciphertext passes through here: the vault (src/credentials/vault.ts) encrypts
// before and decrypts after, binding each value to its owner and purpose so a row copied elsewhere cannot be read.
import type { Kysely, Selectable } from 'kysely';
import { newId, toTimestamp } from './columns.js';
import type { Database, SecretsTable } from './database.js';

export const CONNECTION_OWNER = 'connection';

/** Whose secret it is and what for; the vault binds exactly this to the ciphertext. */
export interface SecretOwner {
  ownerType: string;
  ownerId: string;
  /** 'credential', 'header:{name}', ... */
  purpose: string;
}

/** Binary parts as base64. */
export interface EncryptedSecret {
  keyId: string;
  nonce: string;
  ciphertext: string;
  tag: string;
}

export type NewSecret = EncryptedSecret & { purpose: string };

export interface StoredSecret extends SecretOwner, EncryptedSecret {
  id: string;
  createdAt: string;
}

type Owner = Pick<SecretOwner, 'ownerType' | 'ownerId'>;

function toStored(row: Selectable<SecretsTable>): StoredSecret {
  return {
    id: row.id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    purpose: row.purpose,
    keyId: row.key_id,
    nonce: row.nonce,
    ciphertext: row.ciphertext,
    tag: row.tag,
    createdAt: row.created_at,
  };
}

/** Call inside the transaction that writes the owner, so both land or neither does. */
export async function insertSecrets(db: Kysely<Database>, owner: Owner, secrets: readonly NewSecret[]): Promise<void> {
  if (secrets.length === 0) return;
  const createdAt = toTimestamp(new Date());
  await db
    .insertInto('secrets')
    .values(
      secrets.map((s) => ({
        id: newId(),
        owner_type: owner.ownerType,
        owner_id: owner.ownerId,
        purpose: s.purpose,
        key_id: s.keyId,
        nonce: s.nonce,
        ciphertext: s.ciphertext,
        tag: s.tag,
        created_at: createdAt,
      })),
    )
    .execute();
}

/** Deletes the owner's secrets for these purposes, or all of its secrets when `purposes` is omitted. */
export async function deleteSecrets(db: Kysely<Database>, owner: Owner, purposes?: readonly string[]): Promise<void> {
  if (purposes?.length === 0) return;
  let query = db
    .deleteFrom('secrets')
    .where('owner_type', '=', owner.ownerType)
    .where('owner_id', '=', owner.ownerId);
  if (purposes) query = query.where('purpose', 'in', [...purposes]);
  await query.execute();
}

export async function listSecrets(db: Kysely<Database>, owner: Owner): Promise<StoredSecret[]> {
  const rows = await db
    .selectFrom('secrets')
    .selectAll()
    .where('owner_type', '=', owner.ownerType)
    .where('owner_id', '=', owner.ownerId)
    .orderBy('purpose')
    .execute();
  return rows.map(toStored);
}

export async function getSecret(db: Kysely<Database>, owner: SecretOwner): Promise<StoredSecret | undefined> {
  const row = await db
    .selectFrom('secrets')
    .selectAll()
    .where('owner_type', '=', owner.ownerType)
    .where('owner_id', '=', owner.ownerId)
    .where('purpose', '=', owner.purpose)
    .executeTakeFirst();
  return row ? toStored(row) : undefined;
}

/** Every secret, for key rotation. Ordered so a rotation reports the same first failure each time. */
export async function listAllSecrets(db: Kysely<Database>): Promise<StoredSecret[]> {
  const rows = await db.selectFrom('secrets').selectAll().orderBy('id').execute();
  return rows.map(toStored);
}

export async function replaceEncryption(db: Kysely<Database>, id: string, encrypted: EncryptedSecret): Promise<void> {
  await db
    .updateTable('secrets')
    .set({ key_id: encrypted.keyId, nonce: encrypted.nonce, ciphertext: encrypted.ciphertext, tag: encrypted.tag })
    .where('id', '=', id)
    .execute();
}
