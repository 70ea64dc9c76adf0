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
  connection_stamps: ConnectionStampsTable;
  rate_limits: RateLimitsTable;
  secrets: SecretsTable;
  repository_selections: RepositorySelectionsTable;
  selected_repositories: SelectedRepositoriesTable;
  mirrors: MirrorsTable;
  hidden_commits: HiddenCommitsTable;
  users: UsersTable;
  workspace_members: WorkspaceMembersTable;
  sign_in_links: SignInLinksTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  jobs: JobsTable;
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
  /** A Server's SSH port when one was given (else 22); always null for Services, which uses ssh.dev.azure.com:22. */
  ssh_port: number | null;
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

/** A fixed-window counter of @fastify/rate-limit, shared by every instance (server/shared-rate-limit-store.ts). */
export interface RateLimitsTable {
  /** The limiter's group and the client's key (its address), e.g. "sign-in-failures|203.0.113.7". */
  key: Immutable<string>;
  hits: number;
  /** Milliseconds since the epoch; bigint, so PostgreSQL hands it back as a string. */
  window_started_ms: number | string;
}

/**
 * One number per workspace that every change to its connections moves on (added, edited, tested, removed), in the
 * transaction of the change: a cache of connection lists compares it instead of reading the list again. No row: 0.
 */
export interface ConnectionStampsTable {
  workspace_id: Immutable<string>;
  /** bigint: PostgreSQL hands it back as a string. */
  stamp: number | string;
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

/** Per connection: every repository ('all', also when there is no row) or only those in selected_repositories. */
export interface RepositorySelectionsTable {
  connection_id: Immutable<string>;
  mode: 'all' | 'list';
  updated_at: Timestamp;
}

export interface SelectedRepositoriesTable {
  connection_id: Immutable<string>;
  /** Azure DevOps' repository id: it survives renames. */
  repository_id: Immutable<string>;
  /** The project's and repository's names when selected, for showing and for matching names without an id. */
  project: string;
  name: string;
  added_at: Immutable<Timestamp>;
}

export type MirrorStatus = 'missing' | 'ready' | 'empty';

/** One bare git mirror per (connection, repository), under {data}/mirrors/{connection_id}/{repository_id}.git. */
export interface MirrorsTable {
  connection_id: Immutable<string>;
  /** Azure DevOps' repository id; over SSH alone (no REST), `name:` and a hash of the lower-cased names. */
  repository_id: Immutable<string>;
  project: string;
  name: string;
  /** Lower-cased "project/name", to find a mirror by the names users type. */
  name_key: string;
  path: string;
  /** 'missing' until a fetch completes; then 'ready', or 'empty' for a repository without commits. */
  status: MirrorStatus;
  /** 'blob:none' for a partial clone. */
  filter: string | null;
  last_fetched_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  /** JSON {code, message, at} of the last failed fetch; null after a success. */
  last_error: JsonText | null;
  created_at: Immutable<Timestamp>;
}

/** Commits hidden from pickers; the commits themselves stay in the mirror. */
export interface HiddenCommitsTable {
  connection_id: Immutable<string>;
  repository_id: Immutable<string>;
  commit_id: Immutable<string>;
  hidden_at: Timestamp;
}

export interface UsersTable {
  id: Immutable<string>;
  email: string;
  /** Lower-cased e-mail, unique. */
  email_key: string;
  name: string;
  /** 1: administrator of the whole service, every workspace included. */
  is_admin: number;
  created_at: Immutable<Timestamp>;
  disabled_at: Timestamp | null;
}

export type WorkspaceRole = 'admin' | 'member';

export interface WorkspaceMembersTable {
  workspace_id: Immutable<string>;
  user_id: Immutable<string>;
  role: WorkspaceRole;
  added_at: Immutable<Timestamp>;
}

export type SignInLinkPurpose = 'first-admin' | 'invite' | 'sign-in';

/** One-time sign-in links; only the SHA-256 of the token is kept. */
export interface SignInLinksTable {
  id: Immutable<string>;
  token_hash: Immutable<string>;
  user_id: Immutable<string>;
  purpose: Immutable<SignInLinkPurpose>;
  /** The user who made it (an invite), or null (first start, the CLI). */
  created_by: Immutable<string | null>;
  created_at: Immutable<Timestamp>;
  expires_at: Immutable<Timestamp>;
  used_at: Timestamp | null;
}

/** Web sessions; the cookie holds the token, the row its SHA-256. */
export interface SessionsTable {
  id: Immutable<string>;
  token_hash: Immutable<string>;
  user_id: Immutable<string>;
  created_at: Immutable<Timestamp>;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

/** read: GET only; write: also changes connections and repositories and runs jobs; admin: also members and tokens. */
export type ApiTokenScope = 'read' | 'write' | 'admin';

/** API tokens belong to one workspace; only the SHA-256 of the token is kept. */
export interface ApiTokensTable {
  id: Immutable<string>;
  workspace_id: Immutable<string>;
  name: string;
  token_hash: Immutable<string>;
  prefix: Immutable<string>;
  scope: Immutable<ApiTokenScope>;
  created_by: Immutable<string>;
  created_at: Immutable<Timestamp>;
  expires_at: Immutable<Timestamp>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export type JobKind = 'fetch' | 'snapshot';
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Background work (fetches, snapshots): the record every queue implementation reads and writes progress to. */
export interface JobsTable {
  id: Immutable<string>;
  workspace_id: Immutable<string>;
  kind: Immutable<JobKind>;
  state: JobState;
  /** JSON: what to do (connection, repository, ref, ...); never a secret. */
  input: Immutable<JsonText>;
  /** JSON {percent: number | null, phase: string}. */
  progress: JsonText | null;
  /** JSON: what the job produced. */
  result: JsonText | null;
  /** JSON {code, message, hint} of a failed job. */
  error: JsonText | null;
  attempts: Generated<number>;
  /** "user:{id}" or "token:{id}". */
  created_by: Immutable<string | null>;
  created_at: Immutable<Timestamp>;
  updated_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  runner: string | null;
  heartbeat_at: Timestamp | null;
}
