// A connection as it may be listed, shown, logged and returned by an API: everything but its secrets. The store's
// record becomes a view without the vault; only a full Connection (connection.ts) needs decrypting.
import { credentialExpiresAt, type PublicCredential } from '../credentials/credential.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { Connection } from './connection.js';

export interface ConnectionView extends Omit<Connection, 'credential' | 'customHeaders'> {
  credential: PublicCredential;
  /** Secret headers carry no value: it is write-only. */
  customHeaders: Array<{ name: string; secret: boolean; value?: string }>;
}

/** The last test's findings the status keeps outside the result: when the doctor learnt the credential's expiry. */
function testedExpiry(result: unknown): string | undefined {
  const value = typeof result === 'object' && result !== null ? (result as { credentialExpiresAt?: unknown }).credentialExpiresAt : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function toView(record: ConnectionRecord): ConnectionView {
  const pub = { ...record.credentialPublic, type: record.credentialType } as unknown as PublicCredential;
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
      ...(record.sshPort !== null ? { port: record.sshPort } : {}),
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
