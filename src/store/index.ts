export type { Database, ConnectionKind, CredentialType } from './database.js';
export { openStore, SQLITE_FILE_NAME, type OpenStoreOptions, type Store, type StoreDialect } from './open-store.js';
export { storeOptionsFromEnv, type StoreLocation } from './store-options-from-env.js';
export { newId, type JsonValue } from './columns.js';
export { DEFAULT_WORKSPACE_ID } from './default-workspace.js';
export { inTransaction } from './in-transaction.js';
export {
  deploymentKey,
  nameKey,
  type ConnectionFields,
  type ConnectionRecord,
  type CredentialPublic,
  type CustomHeader,
  type LastTest,
} from './connection-record.js';
export {
  deleteConnection,
  findConnectionsByUrl,
  getConnection,
  insertConnection,
  listConnections,
  recordTestResult,
  updateConnection,
  MAX_PAGE_SIZE,
  type ConnectionPage,
  type ConnectionRef,
  type ConnectionUpdate,
  type NewConnection,
} from './connections-repo.js';
export {
  CONNECTION_OWNER,
  deleteSecrets,
  getSecret,
  insertSecrets,
  listSecrets,
  type EncryptedSecret,
  type NewSecret,
  type SecretOwner,
  type StoredSecret,
} from './secrets-repo.js';
export {
  CONNECTION_NAME_TAKEN,
  CONNECTION_NOT_FOUND,
  DATABASE_URL_INVALID,
  STORE_CONFLICT,
  STORE_CURSOR_INVALID,
  STORE_MIGRATION_FAILED,
  STORE_UNAVAILABLE,
  WORKSPACE_NOT_FOUND,
} from './store-errors.js';
