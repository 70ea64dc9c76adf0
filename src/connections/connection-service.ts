// The connections of one workspace: add, list, show, edit, remove and test them. Secrets go through the vault and
// are written in the same transaction as the connection; input is validated whole before anything is written, so a
// failed add or edit leaves the store as it was.
import { endpointsFromEnv, type ServiceEndpoints } from '../azure/endpoints.js';
import { joinCredential, publicPart, secretPart, type SecretCredential } from '../credentials/credential.js';
import type { RotateKeyResult, Vault } from '../credentials/vault.js';
import { AzdoError } from '../errors/azdo-error.js';
import type { JsonValue } from '../store/columns.js';
import { newId } from '../store/columns.js';
import type { ConnectionFields, ConnectionRecord, CredentialPublic } from '../store/connection-record.js';
import {
  connectionsStamp,
  deleteConnection,
  findConnectionsByUrl,
  getConnection,
  insertConnection,
  listConnections,
  recordTestResult,
  updateConnection,
} from '../store/connections-repo.js';
import { DEFAULT_WORKSPACE_ID } from '../store/default-workspace.js';
import type { Store } from '../store/open-store.js';
import { CONNECTION_OWNER, listSecrets, type NewSecret, type SecretOwner } from '../store/secrets-repo.js';
import { CONNECTION_NAME_TAKEN, CONNECTION_NOT_FOUND, connectionNameTaken, connectionNotFound, storeConflict } from '../store/store-errors.js';
import type { Connection } from './connection.js';
import { withField } from './connection-errors.js';
import { mergeChanges } from './connection-changes.js';
import { validateConnectionInput, type ConnectionChanges, type ConnectionInput, type ValidConnection } from './connection-input.js';
import { toView, type ConnectionView } from './connection-view.js';
import type { DoctorCheck, DoctorReport } from './doctor/doctor-types.js';

export const CONNECTION_SECRET_MISSING = 'AZDO_CONNECTION_SECRET_MISSING';

export type DoctorRunner = (
  connection: Connection,
  o?: { endpoints?: ServiceEndpoints; onCheck?(check: DoctorCheck): void; timeoutMs?: number },
) => Promise<DoctorReport>;

export type UnconfirmedHostKey = NonNullable<DoctorReport['unconfirmedHostKey']>;

export interface ConnectionServiceOptions {
  store: Store;
  vault: Vault;
  /** Default: the workspace the first migration creates, where the CLI keeps its connections. */
  workspaceId?: string;
  /** Where Azure DevOps Services lives; default from the environment (endpointsFromEnv). */
  endpoints?: ServiceEndpoints;
  /** Default: the doctor (doctor/run-doctor.ts), loaded on first test. */
  doctor?: DoctorRunner;
}

export interface SaveHooks {
  /**
   * Runs after validation succeeded and right before the write, e.g. to write a generated private key to its file
   * only once the connection is known to be valid. If it throws, nothing is written.
   */
  beforeSave?(): Promise<void>;
}

export interface TestConnectionOptions {
  /**
   * Asked when the doctor met an SSH host key nobody has pinned yet (a Server, or another non-Microsoft SSH host).
   * True pins `knownHostsLine` into the connection and runs the checks again.
   */
  confirmHostKey?(key: UnconfirmedHostKey): boolean | Promise<boolean>;
  onCheck?(check: DoctorCheck): void;
  timeoutMs?: number;
}

export interface ConnectionTestResult {
  /** The connection with its new status. */
  connection: ConnectionView;
  report: DoctorReport;
  /** The host key pinned during this test, if the caller confirmed one. */
  pinnedHostKey?: UnconfirmedHostKey;
}

const CREDENTIAL_PURPOSE = 'credential';
const headerPurpose = (name: string): string => `header:${name.toLowerCase()}`;

export class ConnectionService {
  readonly store: Store;
  readonly vault: Vault;
  readonly workspaceId: string;
  readonly #endpoints: ServiceEndpoints | undefined;
  #doctor: DoctorRunner | undefined;

  constructor(o: ConnectionServiceOptions) {
    this.store = o.store;
    this.vault = o.vault;
    this.workspaceId = o.workspaceId ?? DEFAULT_WORKSPACE_ID;
    this.#endpoints = o.endpoints;
    this.#doctor = o.doctor;
  }

  get endpoints(): ServiceEndpoints {
    return this.#endpoints ?? endpointsFromEnv();
  }

  async addConnection(input: ConnectionInput, hooks: SaveHooks = {}): Promise<ConnectionView> {
    const valid = await validateConnectionInput(input);
    await this.#assertNameFree(valid.name);
    const id = newId();
    await hooks.beforeSave?.();
    try {
      const record = await insertConnection(
        this.store.db,
        { id, workspaceId: this.workspaceId, ...this.#fields(valid) },
        this.#seal(id, valid),
      );
      return toView(record);
    } catch (error) {
      throw nameField(error);
    }
  }

  /** One page, ordered by name. */
  async listConnections(o: { limit?: number; cursor?: string } = {}): Promise<{ connections: ConnectionView[]; nextCursor: string | null }> {
    const page = await listConnections(this.store.db, { workspaceId: this.workspaceId, ...o });
    return { connections: page.connections.map(toView), nextCursor: page.nextCursor };
  }

  /**
   * A number that moves on with every change to this workspace's connections, made by any process or instance. Read
   * before a listing, it tells whether a listing kept since is still current (the service's API does that).
   */
  changeStamp(): Promise<number> {
    return connectionsStamp(this.store.db, this.workspaceId);
  }

  async listAllConnections(): Promise<ConnectionView[]> {
    const all: ConnectionView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listConnections({ limit: 500, ...(cursor !== undefined ? { cursor } : {}) });
      all.push(...page.connections);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return all;
  }

  /** Connections to the organization or collection of any Azure DevOps URL (a clone URL, a pull request, ...). */
  async findConnectionsByUrl(url: string): Promise<ConnectionView[]> {
    return (await findConnectionsByUrl(this.store.db, url, { workspaceId: this.workspaceId })).map(toView);
  }

  /** The connection without its secrets; nothing is decrypted. */
  async describeConnection(idOrName: string): Promise<ConnectionView> {
    return toView(await this.#record(idOrName));
  }

  /** The connection with its secrets decrypted, for the code that uses it (the doctor, the client, git). */
  async getConnection(idOrName: string): Promise<Connection> {
    return this.#decrypt(await this.#record(idOrName));
  }

  /**
   * Applies the changes; what they leave out is kept (secrets too). The result is validated whole, like a new
   * connection. `expectedVersion` is the version the caller read: if the connection changed since, nothing is saved.
   */
  async editConnection(
    idOrName: string,
    changes: ConnectionChanges,
    o: SaveHooks & { expectedVersion?: number } = {},
  ): Promise<ConnectionView> {
    const record = await this.#record(idOrName);
    if (o.expectedVersion !== undefined && o.expectedVersion !== record.version) throw storeConflict(record.id, o.expectedVersion);
    const current = await this.#decrypt(record);
    const valid = await validateConnectionInput(mergeChanges(current, changes));
    if (valid.name.toLowerCase() !== record.name.toLowerCase()) await this.#assertNameFree(valid.name);
    const put = this.#seal(record.id, valid);
    const kept = new Set(put.map((s) => s.purpose));
    const stale = record.customHeaders.filter((h) => h.secret).map((h) => headerPurpose(h.name)).filter((p) => !kept.has(p));
    await o.beforeSave?.();
    try {
      const updated = await updateConnection(this.store.db, {
        workspaceId: this.workspaceId,
        id: record.id,
        expectedVersion: o.expectedVersion ?? record.version,
        changes: this.#fields(valid),
        secrets: { put, remove: stale },
      });
      return toView(updated);
    } catch (error) {
      throw nameField(error);
    }
  }

  /** Deletes the connection and its secrets; returns what was removed. */
  async removeConnection(idOrName: string, o: { expectedVersion?: number } = {}): Promise<ConnectionView> {
    const record = await this.#record(idOrName);
    const removed = await deleteConnection(this.store.db, {
      workspaceId: this.workspaceId,
      id: record.id,
      ...(o.expectedVersion !== undefined ? { expectedVersion: o.expectedVersion } : {}),
    });
    if (!removed) throw connectionNotFound(record.id);
    return toView(record);
  }

  /**
   * Runs the doctor and records its result as the connection's status. An SSH host key seen for the first time is
   * pinned only if `confirmHostKey` says so, and then the checks run again against the pinned key.
   */
  async testConnection(idOrName: string, o: TestConnectionOptions = {}): Promise<ConnectionTestResult> {
    let connection = await this.getConnection(idOrName);
    const doctor = await this.#loadDoctor();
    const run = (c: Connection): Promise<DoctorReport> =>
      doctor(c, {
        endpoints: this.endpoints,
        ...(o.onCheck ? { onCheck: o.onCheck } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      });
    let report = await run(connection);
    let pinnedHostKey: UnconfirmedHostKey | undefined;
    const seen = report.unconfirmedHostKey;
    if (seen && o.confirmHostKey && (await o.confirmHostKey(seen))) {
      const knownHosts = [connection.ssh.knownHosts, seen.knownHostsLine.trim()].filter((l) => l).join('\n');
      const updated = await updateConnection(this.store.db, {
        workspaceId: this.workspaceId,
        id: connection.id,
        expectedVersion: connection.version,
        changes: { sshKnownHosts: knownHosts },
      });
      connection = { ...connection, ssh: { ...connection.ssh, knownHosts }, version: updated.version };
      pinnedHostKey = seen;
      report = await run(connection);
    }
    const recorded = await recordTestResult(this.store.db, {
      workspaceId: this.workspaceId,
      id: connection.id,
      ok: report.ok,
      result: JSON.parse(JSON.stringify(report)) as JsonValue,
    });
    if (!recorded) throw connectionNotFound(connection.id);
    return {
      connection: await this.describeConnection(connection.id),
      report,
      ...(pinnedHostKey ? { pinnedHostKey } : {}),
    };
  }

  /** Re-encrypts every secret of the store (all workspaces) under a new key. */
  async rotateKey(newKey?: Buffer): Promise<RotateKeyResult> {
    return this.vault.rotateKey(this.store, ...(newKey ? [newKey] : []));
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  async #loadDoctor(): Promise<DoctorRunner> {
    if (this.#doctor) return this.#doctor;
    // Loaded on first use: listing or editing connections should not pay for the doctor's dependencies.
    const { runDoctor } = await import('./doctor/run-doctor.js');
    this.#doctor = runDoctor;
    return runDoctor;
  }

  /** By name first (what people type), then by id (what APIs pass). */
  async #record(idOrName: string): Promise<ConnectionRecord> {
    const ref = { workspaceId: this.workspaceId };
    const record =
      (await getConnection(this.store.db, { ...ref, name: idOrName })) ??
      (await getConnection(this.store.db, { ...ref, id: idOrName }));
    if (record) return record;
    throw new AzdoError(
      CONNECTION_NOT_FOUND,
      `There is no connection named "${idOrName.slice(0, 100)}" in this workspace.`,
      'Run `azdo-connect connection list` to see the connections (names are compared without regard to case).',
      { name: idOrName.slice(0, 100) },
    );
  }

  async #assertNameFree(name: string): Promise<void> {
    const existing = await getConnection(this.store.db, { workspaceId: this.workspaceId, name });
    if (existing) throw withField(connectionNameTaken(name), 'name');
  }

  #fields(valid: ValidConnection): ConnectionFields {
    return {
      name: valid.name,
      description: valid.description,
      labels: valid.labels,
      deployment: valid.deployment,
      credentialType: valid.credential.type,
      credentialPublic: publicPart(valid.credential) as unknown as CredentialPublic,
      customHeaders: valid.customHeaders.map((h) =>
        h.secret ? { name: h.name, secret: true as const } : { name: h.name, secret: false as const, value: h.value },
      ),
      tlsCa: valid.tls.caBundle ?? null,
      sshKnownHosts: valid.ssh.knownHosts ?? null,
      sshPort: valid.ssh.port ?? null,
    };
  }

  #owner(id: string, purpose: string): SecretOwner {
    return { ownerType: CONNECTION_OWNER, ownerId: id, purpose };
  }

  #seal(id: string, valid: ValidConnection): NewSecret[] {
    const seal = (purpose: string, value: string): NewSecret => ({ purpose, ...this.vault.encrypt(value, this.#owner(id, purpose)) });
    return [
      seal(CREDENTIAL_PURPOSE, JSON.stringify(secretPart(valid.credential))),
      ...valid.customHeaders.filter((h) => h.secret).map((h) => seal(headerPurpose(h.name), h.value)),
    ];
  }

  async #decrypt(record: ConnectionRecord): Promise<Connection> {
    const secrets = new Map((await listSecrets(this.store.db, { ownerType: CONNECTION_OWNER, ownerId: record.id })).map((s) => [s.purpose, s]));
    const open = (purpose: string): string => {
      const stored = secrets.get(purpose);
      if (!stored) {
        throw new AzdoError(
          CONNECTION_SECRET_MISSING,
          `A secret of connection "${record.name}" (${purpose}) is missing from the store.`,
          `Enter it again with \`azdo-connect connection edit ${record.name}\` (the credential, or the secret header).`,
          { id: record.id, purpose },
        );
      }
      return this.vault.decrypt(stored, this.#owner(record.id, purpose));
    };
    const view = toView(record);
    const credential = joinCredential(view.credential, JSON.parse(open(CREDENTIAL_PURPOSE)) as SecretCredential);
    return {
      ...view,
      credential,
      customHeaders: view.customHeaders.map((h) => ({ name: h.name, secret: h.secret, value: h.secret ? open(headerPurpose(h.name)) : (h.value ?? '') })),
    };
  }
}

/** A name taken by a concurrent writer is reported like one found taken beforehand: about the `name` field. */
function nameField(error: unknown): unknown {
  return error instanceof AzdoError && error.code === CONNECTION_NAME_TAKEN ? withField(error, 'name') : error;
}
