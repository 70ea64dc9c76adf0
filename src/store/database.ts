// The tables as Kysely sees them, and nothing else. Both dialects store the same values: timestamps are ISO-8601
// strings, JSON is text, booleans are 0/1 integers. Converting to and from richer types happens in columns.ts only.
import type { ColumnType, Generated } from 'kysely';

/** Set once on insert, never changed. */
type Immutable<T> = ColumnType<T, T, never>;

/** JSON text; what it holds is described beside each column and decoded in connection-record.ts. */
type JsonText = string;

/** ISO-8601 UTC timestamp, e.g. 2026-11-22T10:00:00.000Z: sorts and compares as text in both dialects. */
type Timestamp = string;

export interface Database {
  workspaces: WorkspacesTable;
  connections: ConnectionsTable;
  secrets: SecretsTable;
}

export interface WorkspacesTable {
  id: Immutable<string>;
  name: string;
  created_at: Immutable<Timestamp>;
}

export type ConnectionKind = 'services' | 'server';
export type CredentialType = 'pat' | 'ssh' | 'servicePrincipal';

export interface ConnectionsTable {
  id: Immutable<string>;
  workspace_id: Immutable<string>;
  name: string;
  /** The name lower-cased: unique per workspace, so names differ by more than case. Also the paging key. */
  name_key: string;
  description: string;
  /** JSON array of strings. */
  labels: JsonText;
  kind: ConnectionKind;
  /** The canonical organization (Services) or collection (Server) URL, as organizationUrl() formats it. */
  url: string;
  /** One comparable form of the deployment: both Services hosts as dev.azure.com, lower-cased. Indexed. */
  deployment_key: string;
  /** JSON: the Deployment from src/azure/urls. */
  deployment: JsonText;
  credential_type: CredentialType;
  /** JSON object of public facts only (fingerprint, public key, tenant and client ids, expiry): never a secret. */
  credential_public: JsonText;
  /** JSON array of {name, secret, value?}: values only for non-secret headers; secret ones live in `secrets`. */
  custom_headers: JsonText;
  /** PEM CA bundle trusted for a Server's TLS. */
  tls_ca: string | null;
  /** known_hosts lines pinning a Server's SSH host keys. */
  ssh_known_hosts: string | null;
  last_test_at: Timestamp | null;
  /** 1 passed, 0 failed, null never tested. */
  last_test_ok: number | null;
  /** JSON: what the last test found. */
  last_test_result: JsonText | null;
  created_at: Immutable<Timestamp>;
  updated_at: Timestamp;
  /** Bumped by every edit; an edit names the version it read (optimistic concurrency). */
  version: Generated<number>;
}

/**
 * Encrypted values, owned by a row of another table (`owner_type` + `owner_id`), one per `purpose`
 * ('credential', 'header:{name}', ...). Binary values are base64 text so both dialects store them the same way.
 */
export interface SecretsTable {
  id: Immutable<string>;
  owner_type: Immutable<string>;
  owner_id: Immutable<string>;
  purpose: Immutable<string>;
  /** Which key encrypted it: a hash of the key, never the key. */
  key_id: string;
  nonce: string;
  ciphertext: string;
  tag: string;
  created_at: Immutable<Timestamp>;
}
