// The add/edit connection form as data: what the inputs hold, how a stored connection fills them, and the request
// body they become. Secrets are never filled in: on edit, a secret left alone is left out, so the service keeps it.
import type { Connection, ConnectionChanges, ConnectionInput, CredentialInput, CredentialType, SshKeyPair } from '../../api/types.js';

export interface HeaderRow {
  key: number;
  name: string;
  value: string;
  secret: boolean;
  /** A secret header saved before: its value is not shown; left empty, the stored one is kept. */
  stored: boolean;
}

export interface ConnectionForm {
  kind: 'services' | 'server';
  organizationUrl: string;
  serverUrl: string;
  collection: string;
  name: string;
  description: string;
  labels: string;
  credentialType: CredentialType;
  /** Edit: the stored credential's type, whose secret can be kept. */
  storedCredentialType?: CredentialType;
  /** Edit: the user chose to replace the stored secret (token, key, client secret). */
  replaceSecret: boolean;
  patToken: string;
  patExpiresAt: string;
  sshMode: 'generate' | 'import';
  sshGenerated?: SshKeyPair;
  /** The generated private key was downloaded: it is offered once. */
  sshPrivateDownloaded: boolean;
  sshPrivateKey: string;
  sshPassphrase: string;
  sshRegisteredAt: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  headers: HeaderRow[];
  caBundle: string;
  sshPort: string;
}

let nextKey = 1;
export const headerKey = () => nextKey++;

export function emptyForm(): ConnectionForm {
  return {
    kind: 'services',
    organizationUrl: '',
    serverUrl: '',
    collection: 'DefaultCollection',
    name: '',
    description: '',
    labels: '',
    credentialType: 'pat',
    replaceSecret: true,
    patToken: '',
    patExpiresAt: '',
    sshMode: 'generate',
    sshPrivateDownloaded: false,
    sshPrivateKey: '',
    sshPassphrase: '',
    sshRegisteredAt: '',
    tenantId: '',
    clientId: '',
    clientSecret: '',
    headers: [],
    caBundle: '',
    sshPort: '',
  };
}

const dateOnly = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '');

export function formFromConnection(c: Connection): ConnectionForm {
  const d = c.deployment;
  return {
    ...emptyForm(),
    kind: c.kind,
    organizationUrl: c.kind === 'services' ? c.url : '',
    serverUrl: c.kind === 'server' ? `${d.origin ?? ''}${d.virtualDirectory ?? ''}` : '',
    collection: c.kind === 'server' ? (d.collection ?? '') : 'DefaultCollection',
    name: c.name,
    description: c.description,
    labels: c.labels.join(', '),
    credentialType: c.credential.type,
    storedCredentialType: c.credential.type,
    replaceSecret: false,
    patExpiresAt: c.credential.type === 'pat' ? dateOnly(c.credential.expiresAt) : '',
    sshMode: 'import',
    sshRegisteredAt: c.credential.type === 'ssh' ? dateOnly(c.credential.registeredAt) : '',
    tenantId: c.credential.tenantId ?? '',
    clientId: c.credential.clientId ?? '',
    headers: c.customHeaders.map((h) => ({ key: headerKey(), name: h.name, value: h.value ?? '', secret: h.secret, stored: h.secret })),
    caBundle: c.tls.caBundle ?? '',
    sshPort: c.ssh.port !== undefined ? String(c.ssh.port) : '',
  };
}

/** The collection URL from the server's address and the collection's name (or the whole URL pasted in the first box). */
export function connectionUrl(f: ConnectionForm): string {
  if (f.kind === 'services') return f.organizationUrl.trim();
  const server = f.serverUrl.trim().replace(/\/+$/, '');
  const collection = f.collection.trim().replace(/^\/+|\/+$/g, '');
  return collection ? `${server}/${encodeURIComponent(collection)}` : server;
}

export function parseLabels(text: string): string[] {
  return text.split(',').map((l) => l.trim()).filter((l) => l !== '');
}

/** Whether the form sends a new secret: always on add, on edit only when asked to or when the type changed. */
export function sendsSecret(f: ConnectionForm): boolean {
  return f.storedCredentialType === undefined || f.storedCredentialType !== f.credentialType || f.replaceSecret;
}

/**
 * Empty optional inputs are left out: on add there is nothing to clear, and on edit a value is cleared only when the
 * stored connection had one (`clear`), by sending null.
 */
function optional(value: string, clear: boolean): { value?: string | null } {
  if (value !== '') return { value };
  return clear ? { value: null } : {};
}

function credentialOf(f: ConnectionForm, stored?: Connection): CredentialInput {
  const secret = sendsSecret(f);
  const had = stored?.credential.type === f.credentialType ? stored.credential : undefined;
  switch (f.credentialType) {
    case 'pat': {
      const expiresAt = optional(f.patExpiresAt, had?.expiresAt !== undefined);
      return { type: 'pat', ...(secret ? { token: f.patToken } : {}), ...('value' in expiresAt ? { expiresAt: expiresAt.value } : {}) };
    }
    case 'ssh': {
      const privateKey = f.sshMode === 'generate' ? (f.sshGenerated?.privateKey ?? '') : f.sshPrivateKey;
      const registeredAt = optional(f.sshRegisteredAt, had?.registeredAt !== undefined);
      return {
        type: 'ssh',
        ...(secret ? { privateKey } : {}),
        ...(secret && f.sshMode === 'import' && f.sshPassphrase ? { passphrase: f.sshPassphrase } : {}),
        ...('value' in registeredAt ? { registeredAt: registeredAt.value } : {}),
      };
    }
    case 'servicePrincipal':
      return { type: 'servicePrincipal', tenantId: f.tenantId.trim(), clientId: f.clientId.trim(), ...(secret ? { clientSecret: f.clientSecret } : {}) };
  }
}

function headersOf(f: ConnectionForm): NonNullable<ConnectionInput['customHeaders']> {
  return f.headers
    .filter((h) => h.name.trim() !== '' || h.value !== '')
    .map((h) => (h.secret && h.stored && h.value === '' ? { name: h.name.trim(), secret: true } : { name: h.name.trim(), value: h.value, secret: h.secret }));
}

function build(f: ConnectionForm, stored?: Connection): ConnectionInput {
  const server = f.kind === 'server';
  const caBundle = optional(server ? f.caBundle.trim() : '', stored?.tls.caBundle !== undefined);
  const port = f.sshPort.trim();
  const clearPort = stored?.ssh.port !== undefined;
  const sshPort = server && f.credentialType === 'ssh' && port !== '' ? { port: Number(port) } : clearPort ? { port: null } : undefined;
  return {
    name: f.name.trim(),
    description: f.description.trim(),
    labels: parseLabels(f.labels),
    url: connectionUrl(f),
    kind: f.kind,
    credential: credentialOf(f, stored),
    customHeaders: headersOf(f),
    ...('value' in caBundle ? { tls: { caBundle: caBundle.value } } : {}),
    ...(sshPort ? { ssh: sshPort } : {}),
  };
}

export function toInput(f: ConnectionForm): ConnectionInput {
  return build(f);
}

/** An edit sends the whole form (secrets only when replaced) with the version it was read at. */
export function toChanges(f: ConnectionForm, original: Connection): ConnectionChanges {
  return { ...build(f, original), version: original.version };
}
