// A connection as the store keeps it, and its conversion to and from a row (the only place that knows both).
import type { Selectable } from 'kysely';
import { organizationUrl, type Deployment } from '../azure/urls.js';
import { fromFlag, fromJsonText, toJsonText, type JsonValue } from './columns.js';
import type { ConnectionKind, ConnectionsTable, CredentialType } from './database.js';

export type { ConnectionKind, CredentialType } from './database.js';

/** Public facts about a credential. Secrets (tokens, private keys, passphrases, client secrets) never go here. */
export interface CredentialPublic {
  fingerprint?: string;
  publicKey?: string;
  tenantId?: string;
  clientId?: string;
  /** ISO-8601. */
  expiresAt?: string;
  [key: string]: JsonValue | undefined;
}

/** A custom HTTP header; a secret one has its value in the vault (purpose `header:{name}`), never here. */
export type CustomHeader = { name: string; secret: false; value: string } | { name: string; secret: true };

export interface LastTest {
  /** ISO-8601. */
  at: string;
  ok: boolean;
  result: JsonValue;
}

/** What a caller decides about a connection; the store derives the rest. */
export interface ConnectionFields {
  name: string;
  description: string;
  labels: string[];
  deployment: Deployment;
  credentialType: CredentialType;
  credentialPublic: CredentialPublic;
  customHeaders: CustomHeader[];
  tlsCa: string | null;
  sshKnownHosts: string | null;
  /** A Server's SSH port, when one was given (else 22). */
  sshPort: number | null;
}

export interface ConnectionRecord extends ConnectionFields {
  id: string;
  workspaceId: string;
  kind: ConnectionKind;
  /** Canonical organization or collection URL. */
  url: string;
  lastTest: LastTest | null;
  /** ISO-8601. */
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The key names are compared by: case and Unicode composition do not make two names different. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** Both Services hosts address one organization, and Azure DevOps compares names without regard to case. */
export function deploymentKey(deployment: Deployment): string {
  const canonical: Deployment =
    deployment.kind === 'services' ? { ...deployment, host: 'dev.azure.com' } : deployment;
  return organizationUrl(canonical).toLowerCase();
}

function assertNoSecretHeaderValues(headers: readonly CustomHeader[]): void {
  for (const header of headers) {
    // A programming error, not a user one: refuse rather than write a secret in plain text.
    if (header.secret && 'value' in header) {
      throw new Error(`The secret header ${header.name} carries a value; secret values belong in the vault.`);
    }
  }
}

/** The columns ConnectionFields decide, ready for an insert or an update. */
export type ConnectionFieldColumns = Omit<
  Selectable<ConnectionsTable>,
  'id' | 'workspace_id' | 'last_test_at' | 'last_test_ok' | 'last_test_result' | 'created_at' | 'updated_at' | 'version'
>;

export function fieldsToRow(fields: ConnectionFields): ConnectionFieldColumns {
  assertNoSecretHeaderValues(fields.customHeaders);
  return {
    name: fields.name,
    name_key: nameKey(fields.name),
    description: fields.description,
    labels: toJsonText(fields.labels),
    kind: fields.deployment.kind,
    url: organizationUrl(fields.deployment),
    deployment_key: deploymentKey(fields.deployment),
    deployment: toJsonText(fields.deployment),
    credential_type: fields.credentialType,
    credential_public: toJsonText(fields.credentialPublic),
    custom_headers: toJsonText(fields.customHeaders),
    tls_ca: fields.tlsCa,
    ssh_known_hosts: fields.sshKnownHosts,
    ssh_port: fields.sshPort,
  };
}

export function rowToRecord(row: Selectable<ConnectionsTable>): ConnectionRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    labels: fromJsonText<string[]>(row.labels),
    kind: row.kind,
    url: row.url,
    deployment: fromJsonText<Deployment>(row.deployment),
    credentialType: row.credential_type,
    credentialPublic: fromJsonText<CredentialPublic>(row.credential_public),
    customHeaders: fromJsonText<CustomHeader[]>(row.custom_headers),
    tlsCa: row.tls_ca,
    sshKnownHosts: row.ssh_known_hosts,
    sshPort: row.ssh_port,
    lastTest:
      row.last_test_at === null || row.last_test_ok === null
        ? null
        : {
            at: row.last_test_at,
            ok: fromFlag(row.last_test_ok),
            result: row.last_test_result === null ? null : fromJsonText<JsonValue>(row.last_test_result),
          },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}
