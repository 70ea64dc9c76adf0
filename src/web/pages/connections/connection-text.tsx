// How a connection's facts read in the UI: kind, credential type, last test.
import type { Connection, CredentialType } from '../../api/client.js';
import { Badge } from '../../components/Badge.js';
import { TimeAgo } from '../../components/Time.js';

export const KIND_TEXT: Record<Connection['kind'], string> = { services: 'Services', server: 'Server' };

export const CREDENTIAL_TEXT: Record<CredentialType, string> = {
  pat: 'Personal access token',
  ssh: 'SSH key',
  servicePrincipal: 'Service principal',
};

/** When the credential stops working: what the user told us, or what the last test learnt. */
export function credentialExpiry(connection: Connection): string | undefined {
  return connection.status.credentialExpiresAt ?? connection.credential.expiresAt;
}

export function TestStatus({ connection }: { connection: Connection }) {
  const { lastTest, lastTestAt } = connection.status;
  if (lastTest === 'never' || !lastTestAt) return <Badge icon="–">Never tested</Badge>;
  return (
    <span className="status-with-time">
      {lastTest === 'passed' ? (
        <Badge tone="success" icon="✓">
          Passed
        </Badge>
      ) : (
        <Badge tone="danger" icon="✕">
          Failed
        </Badge>
      )}{' '}
      <span className="muted small">
        <TimeAgo value={lastTestAt} />
      </span>
    </span>
  );
}

export function Labels({ labels }: { labels: string[] }) {
  if (labels.length === 0) return null;
  return (
    <ul className="labels" aria-label="Labels">
      {labels.map((l) => (
        <li key={l} className="label-chip">
          {l}
        </li>
      ))}
    </ul>
  );
}
