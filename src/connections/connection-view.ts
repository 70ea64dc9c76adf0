// A connection as it may be listed, shown, logged and returned by an API: everything but its secrets. The store's
// record becomes a view without the vault; only a full Connection (connection.ts) needs decrypting.
import { credentialExpiresAt, type Credential, type PublicCredential } from '../credentials/credential.js';
import type { CredentialPublic } from '../store/connection-record.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { Connection } from './connection.js';

export interface ConnectionView extends Omit<Connection, 'credential' | 'customHeaders'> {
  credential: PublicCredential;
  /** Secret headers carry no value: it is write-only. */
  customHeaders: Array<{ name: string; secret: boolean; value?: string }>;
}

/**
 * The store has no column for the SSH port, and the port only matters to SSH; it travels with the credential's
 * public facts under this key and is taken out again when read.
 */
const SSH_PORT_KEY = 'sshPort';

export function toCredentialPublic(pub: PublicCredential, sshPort: number | undefined): CredentialPublic {
  return { ...(pub as unknown as CredentialPublic), ...(sshPort !== undefined ? { [SSH_PORT_KEY]: sshPort } : {}) };
}

function fromCredentialPublic(stored: CredentialPublic, type: Credential['type']): { pub: PublicCredential; sshPort?: number } {
  const { [SSH_PORT_KEY]: port, ...rest } = stored;
  const pub = { ...rest, type } as unknown as PublicCredential;
  return typeof port === 'number' ? { pub, sshPort: port } : { pub };
}

/** The last test's findings the status keeps outside the result: when the doctor learnt the credential's expiry. */
function testedExpiry(result: unknown): string | undefined {
  const value = typeof result === 'object' && result !== null ? (result as { credentialExpiresAt?: unknown }).credentialExpiresAt : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function toView(record: ConnectionRecord): ConnectionView {
  const { pub, sshPort } = fromCredentialPublic(record.credentialPublic, record.credentialType);
  const expiresAt = credentialExpiresAt(pub) ?? testedExpiry(record.lastTest?.result);
  return {
    id: record.id,
    workspaceId: record.workspaceId,
    name: record.name,
    description: record.description,
    labels: record.labels,
    kind: record.kind,
    deployment: record.deployment,
    url: record.url,
    credential: pub,
    customHeaders: record.customHeaders.map((h) => (h.secret ? { name: h.name, secret: true } : { name: h.name, secret: false, value: h.value })),
    tls: record.tlsCa === null ? {} : { caBundle: record.tlsCa },
    ssh: {
      ...(sshPort !== undefined ? { port: sshPort } : {}),
      ...(record.sshKnownHosts !== null ? { knownHosts: record.sshKnownHosts } : {}),
    },
    status: {
      ...(record.lastTest
        ? { lastTestAt: record.lastTest.at, lastTestOk: record.lastTest.ok, lastTestResult: record.lastTest.result }
        : {}),
      ...(expiresAt !== undefined ? { credentialExpiresAt: expiresAt } : {}),
    },
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
